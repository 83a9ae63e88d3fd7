using System.Collections.Concurrent;
using Edison.Core.Chat;
using Edison.Core.Conversations;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Edison.Core.Replies;

/// <summary>
/// Starts every answer and runs it to its stored end, whichever transport asked: checks the request, builds its prompt
/// (<see cref="TurnPreparation"/>) and runs it (<see cref="ChatPipeline"/>) in the background as an <see cref="Answer"/> that the
/// transport follows. An answer Edison owns (<see cref="AnswerOwner.Server"/>) is one per conversation at most: closing
/// the page that asked, reloading it or losing its connection does not stop it, pages and resumable streams attach to it
/// by conversation, and once ended it stays here for <see cref="Retention"/> so that a client that reconnects late can
/// still read its end.
/// </summary>
public sealed class Answers(
    TurnPreparation preparation,
    ChatPipeline pipeline,
    ConversationTitler titler,
    ConversationEvents conversations,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<Answers> logger)
{
    public static readonly TimeSpan Retention = TimeSpan.FromMinutes(2);

    private readonly ConcurrentDictionary<Guid, Answer> _owned = new();

    /// <summary>The answers a client owns that are running, by conversation: one Edison would own waits for them.</summary>
    private readonly ConcurrentDictionary<Guid, Answer> _forClients = new();
    private readonly AnswerClaims _claims = new();

    /// <summary>An answer Edison owns started in a conversation; may be raised on any thread.</summary>
    public event Action<Answer>? Started;

    /// <summary>The conversation's answer that Edison owns, running or recently ended; null when there is none.</summary>
    public Answer? Find(Guid conversationId) => _owned.TryGetValue(conversationId, out var answer) ? answer : null;

    /// <summary>
    /// Checks the request and starts its answer in the background; throws <see cref="ChatRequestException"/> for a
    /// request Edison will not run, or when Edison is to own it and the conversation is being answered already.
    /// <paramref name="cancellationToken"/> is the client's: its leaving stops an answer it owns, and only the start of
    /// one Edison owns.
    /// </summary>
    public Task<Answer> StartAsync(ChatRequest request, AnswerOwner owner, CancellationToken cancellationToken) =>
        owner == AnswerOwner.Server ? StartOwnedAsync(request, cancellationToken) : StartForClientAsync(request, cancellationToken);

    /// <summary>Stops the conversation's answer that Edison owns, for every page that shows it; false when none runs.</summary>
    public bool Stop(Guid conversationId)
    {
        if (Find(conversationId) is not { IsRunning: true } answer)
        {
            return false;
        }

        answer.Stop();
        return true;
    }

    /// <summary>Forgets a deleted conversation's answer, so that nothing of it can be read from a stream any more.</summary>
    public void Forget(Guid conversationId) => _owned.TryRemove(conversationId, out _);

    private async Task<Answer> StartForClientAsync(ChatRequest request, CancellationToken clientGone)
    {
        var prepared = await preparation.PrepareAsync(request, AnswerOwner.Client, clientGone);
        var answer = new Answer(prepared, request.Images ?? [], AnswerOwner.Client, time);
        _forClients.TryAdd(answer.ConversationId, answer);
        _ = Task.Run(() => RunForClientAsync(answer, clientGone), CancellationToken.None);
        return answer;
    }

    private async Task<Answer> StartOwnedAsync(ChatRequest request, CancellationToken cancellationToken)
    {
        var id = Guid.TryParse(request.ConversationId, out var given) ? given : Guid.NewGuid();
        if (!_claims.TryClaim(id, isAnswering: () => Find(id) is { IsRunning: true } || _forClients.ContainsKey(id)))
        {
            throw AlreadyAnswering();
        }

        try
        {
            // A title being written gives way to the question, which is answered at once from the cached conversation;
            // the title is asked for again after its answer.
            bool wantsTitle = Find(id) is { } previous && await previous.StopTitleAsync();
            var prepared = await preparation.PrepareAsync(request with { ConversationId = id.ToString() }, AnswerOwner.Server, cancellationToken);
            var answer = new Answer(prepared, request.Images ?? [], AnswerOwner.Server, time) { WantsTitle = wantsTitle };
            _owned[id] = answer;
            _ = Task.Run(() => RunOwnedAsync(answer), CancellationToken.None);
            Started?.Invoke(answer);
            return answer;
        }
        finally
        {
            _claims.Release(id);
        }
    }

    private static ChatRequestException AlreadyAnswering() =>
        new("This conversation is being answered already; wait for the answer, or stop it first.", ChatRequestException.Conflict);

    private async Task RunForClientAsync(Answer answer, CancellationToken clientGone)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(answer.StopToken, clientGone, lifetime.ApplicationStopping);
        try
        {
            await RunAsync(answer, stop.Token, onFirstUpdate: null);
        }
        finally
        {
            _forClients.TryRemove(new KeyValuePair<Guid, Answer>(answer.ConversationId, answer));
        }
    }

    private async Task RunOwnedAsync(Answer answer)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(answer.StopToken, lifetime.ApplicationStopping);
        try
        {
            // The question is stored before the first update: the conversation list can show it now.
            await RunAsync(answer, stop.Token, onFirstUpdate: answer.Prepared.Storage == ExchangeStorage.None ? null : conversations.AnnounceChanged);
            if (answer.Done is { Ok: true } done && (answer.Prepared.IsFirstExchange || answer.WantsTitle))
            {
                conversations.AnnounceChanged();
                await answer.SuggestTitleAsync(stop => titler.SuggestAsync(answer.Prepared, done.Response!, stop), lifetime.ApplicationStopping);
            }
        }
        finally
        {
            conversations.AnnounceChanged();
            await ForgetLaterAsync(answer);
        }
    }

    /// <summary>Runs the answer to its end; a failure outside the pipeline's own handling still ends it, as failed.</summary>
    private async Task RunAsync(Answer answer, CancellationToken stop, Action? onFirstUpdate)
    {
        try
        {
            await foreach (var update in pipeline.RunAsync(answer.Prepared, stop))
            {
                answer.Add(update);
                onFirstUpdate?.Invoke();
                onFirstUpdate = null;
            }
        }
        catch (Exception e)
        {
            logger.LogError(e, "An answer failed for conversation {ConversationId}", answer.ConversationId);
        }
        finally
        {
            if (answer.IsRunning)
            {
                answer.Add(AnswerEnd.Update(ChatDone.Failed("Something went wrong while answering. Please try again.")));
            }
        }
    }

    private async Task ForgetLaterAsync(Answer answer)
    {
        try
        {
            await Task.Delay(Retention, time, lifetime.ApplicationStopping);
        }
        catch (OperationCanceledException)
        {
        }

        _owned.TryRemove(new KeyValuePair<Guid, Answer>(answer.ConversationId, answer));
    }
}
