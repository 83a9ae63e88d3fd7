using Edison.Core.Conversations;
using Microsoft.Extensions.Logging;

namespace Edison.Core.Chat;

/// <summary>
/// Writes an exchange to the store as the pipeline runs it: the question before the answer when the answer is kept
/// from the start, and how the answer ended. Writes are not cancelled: once an answer has ended it is stored even if
/// the client goes away that instant. A write that fails turns the done event into "not saved".
/// </summary>
public sealed class ExchangeRecorder(IConversationStore conversations, AnswersInProgress answers, TimeProvider time, ILogger<ExchangeRecorder> logger)
{
    private const string NotSaved = "The answer could not be saved. Please try again.";

    /// <summary>
    /// The answer's cancellation for as long as it runs: <paramref name="cancellationToken"/>, or its conversation being
    /// deleted, whichever transport asked for it. Dispose it when the answer has ended.
    /// </summary>
    public AnswerInProgress Track(PreparedChat prepared, CancellationToken cancellationToken) =>
        answers.Start(prepared.ConversationId, cancellationToken);

    /// <summary>
    /// For an answer kept from the start (<see cref="ExchangeStorage.FromTheStart"/>): stores the question and an answer
    /// being written, or reopens the answer continued. Returns the answer's id (none for any other storage), or the done
    /// event to end with when that could not be stored.
    /// </summary>
    public async Task<(long? AnswerId, ChatDone? Failure)> BeginAsync(PreparedChat prepared)
    {
        if (prepared.Storage != ExchangeStorage.FromTheStart)
        {
            return (null, null);
        }

        try
        {
            if (prepared.Continued is { } continued)
            {
                return await conversations.ReopenAnswerAsync(prepared.ConversationId, continued.Id, CancellationToken.None)
                    ? (continued.Id, null)
                    : throw new InvalidOperationException($"Answer {continued.Id} could not be reopened.");
            }

            return (await conversations.BeginExchangeAsync(prepared.ConversationId, Question(prepared), prepared.Context, prepared.Place, CancellationToken.None), null);
        }
        catch (ConversationDeletedException)
        {
            // Deleted before its question was stored: deleting a conversation stops its answer.
            return (null, ChatDone.WasStopped());
        }
        catch (Exception e)
        {
            logger.LogError(e, "Storing the question of conversation {ConversationId} failed", prepared.ConversationId);
            return (null, ChatDone.Failed(NotSaved));
        }
    }

    /// <summary>What keeps a begun answer's text as it grows; null for an answer that was not begun in the store.</summary>
    public AnswerCheckpoints? CheckpointsFor(PreparedChat prepared, long? answerId) =>
        answerId is { } id ? new AnswerCheckpoints(conversations, prepared.ConversationId, id, draft => Details(prepared, draft), time, logger) : null;

    /// <summary>Stores a completed answer kept until it completed (<see cref="ExchangeStorage.WhenCompleted"/>) with its question; returns the done event.</summary>
    public async Task<ChatDone> CompleteAsync(PreparedChat prepared, AnswerDraft answer)
    {
        if (prepared.Storage == ExchangeStorage.WhenCompleted)
        {
            try
            {
                // The answer is complete: store it even if the client goes away this instant.
                await conversations.AppendExchangeAsync(
                    prepared.ConversationId, Question(prepared), answer.Text.ToString(), prepared.Context, prepared.Place, Details(prepared, answer), CancellationToken.None);
            }
            catch (ConversationDeletedException)
            {
                // Deleted as the answer completed: it is stopped, as it would have been a moment earlier.
                return ChatDone.WasStopped();
            }
            catch (Exception e)
            {
                logger.LogError(e, "Storing the exchange of conversation {ConversationId} failed", prepared.ConversationId);
                return ChatDone.Failed(NotSaved);
            }
        }

        return answer.Completed(prepared);
    }

    /// <summary>Stores how a begun answer ended: as the user saw it, completed, stopped or failed.</summary>
    public async Task<ChatDone> FinishAsync(PreparedChat prepared, long answerId, AnswerDraft draft, ChatDone? ending)
    {
        var done = ending ?? draft.Completed(prepared);
        var (answer, state) = (draft.Text.ToString(), done.Outcome);
        var (details, error) = (Details(prepared, draft), done.Error);
        if (prepared.Continued is { } before && state == MessageState.Failed)
        {
            // A continuation that failed leaves the answer as it was: the failure is the done event's to tell.
            (answer, state, details, error) = (before.Content, before.State, before.Details, before.Error);
        }

        try
        {
            // The answer has ended: store it even if the client goes away this instant.
            await conversations.FinishExchangeAsync(
                prepared.ConversationId, answerId, prepared.Message, answer, state, error, details, CancellationToken.None);
            return done;
        }
        catch (Exception e)
        {
            logger.LogError(e, "Storing the answer of conversation {ConversationId} failed", prepared.ConversationId);
            return ChatDone.Failed(NotSaved);
        }
    }

    /// <summary>The question as the store writes it; one answered again is not written again, so its images are not encoded.</summary>
    private static AskedQuestion Question(PreparedChat prepared) =>
        new(prepared.Message, prepared.Place.QuestionId is null && prepared.Images.Count > 0 ? [.. prepared.Images.Select(image => image.DataUrl)] : null);

    /// <summary>How the answer was made; a continued answer keeps the thinking and the calls it was written after.</summary>
    private static AnswerDetails Details(PreparedChat prepared, AnswerDraft answer)
    {
        var thought = answer.ThoughtOrNull;
        var earlier = thought is null ? prepared.Continued?.Details : null;
        return new(
            prepared.Mode.Name,
            answer.CutOff,
            prepared.Sources,
            prepared.Remembered,
            thought ?? earlier?.Reasoning,
            earlier is null ? ThoughtSeconds.Of(answer.ThinkingTime) : earlier.ThoughtSeconds)
        {
            Tools = answer.Tools.Count > 0 ? [.. answer.Tools] : prepared.Continued?.Details?.Tools,
        };
    }
}
