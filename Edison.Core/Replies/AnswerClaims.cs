using System.Collections.Concurrent;

namespace Edison.Core.Replies;

/// <summary>
/// Who may start the answer in a conversation: at most one start at a time, and none while an answer runs there.
/// </summary>
public sealed class AnswerClaims
{
    private readonly ConcurrentDictionary<Guid, byte> _starting = new();

    /// <summary>
    /// Claims the conversation for a start, held until <see cref="Release"/>; false when another start holds it or an
    /// answer runs there. The claim is taken before the running answer is looked for: a start that ends between the two
    /// has its answer in place before it lets go of its claim, so two questions never both find the conversation free.
    /// </summary>
    public bool TryClaim(Guid conversationId, Func<bool> isAnswering)
    {
        if (!_starting.TryAdd(conversationId, 0))
        {
            return false;
        }

        if (isAnswering())
        {
            Release(conversationId);
            return false;
        }

        return true;
    }

    public void Release(Guid conversationId) => _starting.TryRemove(conversationId, out _);
}
