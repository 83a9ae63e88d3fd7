namespace Edison.Core.Conversations;

/// <summary>An answer being written in a conversation (see <see cref="AnswersInProgress"/>), until it is disposed.</summary>
public sealed class AnswerInProgress : IDisposable
{
    private readonly AnswersInProgress _owner;
    private readonly CancellationTokenSource _stop;
    private readonly Lock _gate = new();
    private bool _ended;

    internal AnswerInProgress(AnswersInProgress owner, Guid conversationId, CancellationToken cancellationToken)
    {
        _owner = owner;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        ConversationId = conversationId;
    }

    public Guid ConversationId { get; }

    /// <summary>Cancelled when the answer's own token is, or its conversation is deleted.</summary>
    public CancellationToken Token => _stop.Token;

    internal void Stop()
    {
        // A deletion may reach an answer just as it ends: it is not stopped once its cancellation is disposed.
        lock (_gate)
        {
            if (!_ended)
            {
                _stop.Cancel();
            }
        }
    }

    public void Dispose()
    {
        _owner.End(this);
        lock (_gate)
        {
            _ended = true;
        }

        _stop.Dispose();
    }
}
