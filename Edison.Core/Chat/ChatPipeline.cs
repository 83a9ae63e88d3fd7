using System.Runtime.CompilerServices;
using Edison.Core.Inference.Engine;
using Edison.Core.Inference.Prompts;
using Edison.Core.Telemetry;
using Microsoft.Extensions.AI;
using Edison.Core.Tools;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Edison.Core.Chat;

/// <summary>
/// The one chat pipeline behind every transport: runs a turn <see cref="TurnPreparation"/> prepared, streaming the
/// answer from the chat client and storing (and indexing) the exchange as <see cref="PreparedChat.Storage"/> says.
/// Nothing else generates an answer.
/// </summary>
public sealed class ChatPipeline(
    IChatClient answers,
    ExchangeRecorder exchanges,
    EdisonMetrics metrics,
    TimeProvider time,
    IOptions<ToolOptions> tools,
    ToolApprovals approvals,
    ILoggerFactory loggers,
    ILogger<ChatPipeline> logger)
{
    private const string GenerationFailed = "The model failed while writing the answer. Please try again.";

    /// <summary>
    /// Streams the answer as the model writes it (text pieces, one content each), then exactly one update ending it
    /// (<see cref="AnswerEnd"/>). Cancelling ends generation before the next token and ends it "stopped"; a failure ends
    /// it with an error. The answer is stored as <see cref="PreparedChat.Storage"/> says.
    /// </summary>
    public async IAsyncEnumerable<ChatResponseUpdate> RunAsync(PreparedChat prepared, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Deleting the conversation stops the answer, whichever transport asked for it.
        using var running = exchanges.Track(prepared, cancellationToken);
        cancellationToken = running.Token;
        using var calls = approvals.For(prepared.ConversationId);

        var draft = new AnswerDraft(prepared.Continued?.Content, time, prepared.ConversationId);
        long started = time.GetTimestamp();
        long firstPiece = 0;

        // An answer kept from the start has its question stored first; when that fails, the answer ends there.
        var (answerId, ending) = await exchanges.BeginAsync(prepared);
        var checkpoints = exchanges.CheckpointsFor(prepared, answerId);

        // A call that asks first ends the tool loop's response; once the person decides, the loop goes on from there.
        var messages = prepared.Messages;
        var client = ClientFor(prepared);
        while (ending is null)
        {
            var response = new List<ChatResponseUpdate>();
            await using (var updates = client.GetStreamingResponseAsync(messages, prepared.Options, cancellationToken).GetAsyncEnumerator(cancellationToken))
            {
                while (ending is null)
                {
                    ChatResponseUpdate? shown;
                    try
                    {
                        if (!await updates.MoveNextAsync())
                        {
                            break;
                        }

                        response.Add(updates.Current);
                        shown = draft.Take(updates.Current);

                        // The person may decide as soon as the page shows the call's buttons, before this round ends.
                        foreach (var request in updates.Current.Contents.OfType<ToolApprovalRequestContent>())
                        {
                            calls.Expect(request.ToolCall.CallId);
                        }
                    }
                    catch (Exception e)
                    {
                        ending = Failure(e, prepared, cancellationToken);
                        break;
                    }

                    if (shown is not null)
                    {
                        if (firstPiece == 0)
                        {
                            firstPiece = time.GetTimestamp();
                            metrics.FirstToken(time.GetElapsedTime(started, firstPiece));
                        }

                        checkpoints?.Offer(draft);
                        yield return shown;
                    }
                }
            }

            var asked = response.SelectMany(update => update.Contents).OfType<ToolApprovalRequestContent>().ToList();
            if (ending is not null || asked.Count == 0)
            {
                break;
            }

            var decisions = new List<AIContent>(asked.Count);
            foreach (var request in asked)
            {
                ToolApprovals.Decision decision;
                try
                {
                    decision = await calls.WaitAsync(request.ToolCall.CallId, cancellationToken);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    ending = ChatDone.WasStopped();
                    break;
                }

                decisions.Add(request.CreateResponse(decision.Approved, decision.Reason));
                if (draft.Decided(request.ToolCall.CallId, decision.Approved, decision.Reason) is { } decided)
                {
                    checkpoints?.Offer(draft);
                    yield return new ChatResponseUpdate(ChatRole.Assistant, [decided]);
                }
            }

            messages = [.. messages, .. response.ToChatResponse().Messages, new ChatMessage(ChatRole.User, decisions)];
        }

        if (checkpoints is not null)
        {
            await checkpoints.WhenWrittenAsync();
        }

        ending = answerId is { } begun
            ? await exchanges.FinishAsync(prepared, begun, draft, ending)
            : ending ?? await exchanges.CompleteAsync(prepared, draft);
        metrics.Answered(ending.Outcome, prepared.Mode.Name, (int?)draft.Usage?.OutputTokenCount ?? draft.Pieces, firstPiece == 0 ? TimeSpan.Zero : time.GetElapsedTime(firstPiece), draft.Usage);
        yield return AnswerEnd.Update(ending);
    }

    /// <summary>
    /// The chat client, or, for an answer that may call Edison's tools, Microsoft.Extensions.AI's tool loop around it: the
    /// model's calls are run, their results read by the model, until it answers or the rounds run out. A tool's failure
    /// is its result, which the model reads, and the answer goes on.
    /// </summary>
    private IChatClient ClientFor(PreparedChat prepared) =>
        prepared.Options.Tools?.Any(tool => tool is AIFunction) == true
            ? new FunctionInvokingChatClient(answers, loggers)
            {
                MaximumIterationsPerRequest = tools.Value.MaxRounds,
                AllowConcurrentInvocation = false,
                IncludeDetailedErrors = true,
            }
            : answers;

    /// <summary>How a generation that threw ends: stopped by its caller, too busy to start, or failed (what the user may read of why).</summary>
    private ChatDone Failure(Exception e, PreparedChat prepared, CancellationToken cancellationToken)
    {
        switch (e)
        {
            case OperationCanceledException when cancellationToken.IsCancellationRequested:
                return ChatDone.WasStopped();
            case EngineBusyException busy:
                return ChatDone.Busy(busy.Message, busy.RetryAfter);
            default:
                logger.LogError(e, "Generation failed for conversation {ConversationId}", prepared.ConversationId);
                return ChatDone.Failed(e is PromptTooLongException or UnreadableImageException ? e.Message : GenerationFailed);
        }
    }
}
