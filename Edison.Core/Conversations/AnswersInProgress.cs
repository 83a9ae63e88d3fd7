namespace Edison.Core.Conversations;

/// <summary>
/// The answers being written, by conversation, whichever transport asked for them (the page, a resumable stream, a
/// plain <c>/chat</c>): deleting a conversation stops every answer being written in it.
/// </summary>
public sealed class AnswersInProgress
{
    private readonly Lock _gate = new();
    private readonly List<AnswerInProgress> _running = [];

    /// <summary>An answer starts in a conversation; dispose what is returned when it has ended.</summary>
    public AnswerInProgress Start(Guid conversationId, CancellationToken cancellationToken)
    {
        var answer = new AnswerInProgress(this, conversationId, cancellationToken);
        lock (_gate)
        {
            _running.Add(answer);
        }

        return answer;
    }

    /// <summary>Stops every answer being written in the conversation.</summary>
    public void StopAll(Guid conversationId)
    {
        List<AnswerInProgress> stopping;
        lock (_gate)
        {
            stopping = _running.FindAll(answer => answer.ConversationId == conversationId);
        }

        // Outside the lock: a stop runs the answer's cancellation callbacks, which may end it (and remove it) at once.
        foreach (var answer in stopping)
        {
            answer.Stop();
        }
    }

    internal void End(AnswerInProgress answer)
    {
        lock (_gate)
        {
            _running.Remove(answer);
        }
    }
}
