using System.Collections.Concurrent;
using Edison.Core.Chat;
using Edison.Core.Conversations;

namespace Edison.Web.Replies;

/// <summary>
/// The answers being written, one per conversation at most, owned by the server: closing the page that asked,
/// reloading it or losing its connection does not stop them; they run to their end and are stored (question first,
/// then the answer however it ends). Pages and resumable streams attach to them by conversation. A finished reply stays
/// here for <see cref="Retention"/> so a client that reconnects late can still read its end.
/// </summary>
public sealed class LiveReplies(ChatPipeline pipeline, ConversationTitler titler, IHostApplicationLifetime lifetime, TimeProvider time, ILogger<LiveReplies> logger)
{
    public static readonly TimeSpan Retention = TimeSpan.FromMinutes(2);

    private readonly ConcurrentDictionary<Guid, LiveReply> _replies = new();
    private readonly AnswerClaims _claims = new();

    /// <summary>A reply started in a conversation; may be raised on any thread.</summary>
    public event Action<LiveReply>? Started;

    /// <summary>
    /// The stored conversations changed (one was created, got its title, was imported, copied or deleted); may be raised
    /// on any thread.
    /// </summary>
    public event Action? ConversationsChanged;

    /// <summary>A conversation was deleted (from a page or the API); may be raised on any thread.</summary>
    public event Action<Guid>? Deleted;

    /// <summary>Another version of a message is shown in a conversation (from a page or the API); may be raised on any thread.</summary>
    public event Action<Conversation>? BranchShown;

    /// <summary>Tells every page on the conversation (the one that moved it too) the branch it shows now.</summary>
    public void AnnounceBranchShown(Conversation shown) => BranchShown?.Invoke(shown);

    /// <summary>Tells every page that the stored conversations changed other than by an answer (see <see cref="ConversationLibrary"/>).</summary>
    public void AnnounceConversationsChanged() => ConversationsChanged?.Invoke();

    /// <summary>
    /// Tells every page that a conversation is gone (one that shows it moves on) and forgets its reply, so that nothing
    /// of the deleted conversation can be read from a stream any more.
    /// </summary>
    public void AnnounceDeleted(Guid conversationId)
    {
        _replies.TryRemove(conversationId, out _);
        Deleted?.Invoke(conversationId);
        ConversationsChanged?.Invoke();
    }

    /// <summary>The conversation's reply, running or recently ended; null when there is none.</summary>
    public LiveReply? Find(Guid conversationId) => _replies.TryGetValue(conversationId, out var reply) ? reply : null;

    /// <summary>
    /// Checks the request and starts its answer in the background; throws <see cref="ChatRequestException"/> for a
    /// request Edison will not run, or when the conversation is already being answered.
    /// </summary>
    public async Task<LiveReply> StartAsync(ChatRequest request, CancellationToken cancellationToken)
    {
        var id = Guid.TryParse(request.ConversationId, out var given) ? given : Guid.NewGuid();
        if (!_claims.TryClaim(id, isAnswering: () => Find(id) is { IsRunning: true }))
        {
            throw AlreadyAnswering();
        }

        try
        {
            // A title being written gives way to the question, which is answered at once from the cached conversation;
            // the title is asked for again after its answer.
            bool wantsTitle = Find(id) is { } previous && await previous.StopTitleAsync();
            var prepared = await pipeline.PrepareAsync(request with { ConversationId = id.ToString(), StoresFromTheStart = true }, cancellationToken);
            var reply = new LiveReply(prepared, request.Images ?? []) { WantsTitle = wantsTitle };
            _replies[id] = reply;
            _ = Task.Run(() => RunAsync(reply), CancellationToken.None);
            Started?.Invoke(reply);
            return reply;
        }
        finally
        {
            _claims.Release(id);
        }
    }

    private static ChatRequestException AlreadyAnswering() =>
        new("This conversation is being answered already; wait for the answer, or stop it first.", StatusCodes.Status409Conflict);

    /// <summary>Stops the conversation's running reply, for every page that shows it; false when none runs.</summary>
    public bool Stop(Guid conversationId)
    {
        if (Find(conversationId) is not { IsRunning: true } reply)
        {
            return false;
        }

        reply.Stop();
        return true;
    }

    private async Task RunAsync(LiveReply reply)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(reply.StopToken, lifetime.ApplicationStopping);
        try
        {
            bool announce = reply.Prepared.Storage != ExchangeStorage.None;
            await foreach (var update in pipeline.RunAsync(reply.Prepared, stop.Token))
            {
                reply.Add(update);
                if (announce)
                {
                    // The question is stored before the first event: the conversation list can show it now.
                    announce = false;
                    ConversationsChanged?.Invoke();
                }
            }

            if (reply.Done is { Ok: true } done && (reply.Prepared.IsFirstExchange || reply.WantsTitle))
            {
                ConversationsChanged?.Invoke();
                await reply.SuggestTitleAsync(stop => titler.SuggestAsync(reply.Prepared, done.Response!, stop), lifetime.ApplicationStopping);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "A live reply failed for conversation {ConversationId}", reply.ConversationId);
            if (reply.IsRunning)
            {
                reply.Add(AnswerEnd.Update(ChatDone.Failed("Something went wrong while answering. Please try again.")));
            }
        }
        finally
        {
            ConversationsChanged?.Invoke();
            await ForgetLaterAsync(reply);
        }
    }

    private async Task ForgetLaterAsync(LiveReply reply)
    {
        try
        {
            await Task.Delay(Retention, time, lifetime.ApplicationStopping);
        }
        catch (OperationCanceledException)
        {
        }

        _replies.TryRemove(new KeyValuePair<Guid, LiveReply>(reply.ConversationId, reply));
    }
}
