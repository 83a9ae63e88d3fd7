using Edison.Core.Conversations;

namespace Edison.Web.Components.Chat;

/// <summary>The bubbles one page shows: changed by replies on any thread, read by the page as a copy.</summary>
internal sealed class ShownBubbles
{
    private readonly List<ChatBubble> _bubbles = [];

    public IReadOnlyList<ChatBubble> Copy()
    {
        lock (_bubbles)
        {
            return [.. _bubbles];
        }
    }

    /// <summary>Whether <paramref name="answer"/> is the last message shown and has ended.</summary>
    public bool IsLastEnded(ChatBubble answer)
    {
        lock (_bubbles)
        {
            return _bubbles.Count >= 2 && _bubbles[^1] == answer && !answer.IsInProgress;
        }
    }

    /// <summary>The message shown just before <paramref name="bubble"/> (its question, for an answer), or null.</summary>
    public ChatBubble? Before(ChatBubble bubble)
    {
        lock (_bubbles)
        {
            return _bubbles.IndexOf(bubble) is > 0 and var at ? _bubbles[at - 1] : null;
        }
    }

    /// <summary>Shows stored messages (none for a new chat) in place of everything shown.</summary>
    public void ShowStored(IReadOnlyList<StoredMessage> messages)
    {
        lock (_bubbles)
        {
            _bubbles.Clear();
            _bubbles.AddRange(messages.Select(ChatBubble.FromStored));
        }
    }

    /// <summary>
    /// Shows a reply's question and answer after the message it follows: a reply from an earlier point (regenerate,
    /// edit) replaces what was shown from there on.
    /// </summary>
    public void ShowReply(ExchangePlace place, ChatBubble question, ChatBubble answer)
    {
        lock (_bubbles)
        {
            int keep = place switch
            {
                { QuestionId: { } questionId } => _bubbles.FindIndex(b => b.Stored?.Id == questionId),
                { HasParent: true, ParentId: null } => 0,
                { HasParent: true, ParentId: { } parentId } => _bubbles.FindIndex(b => b.Stored?.Id == parentId) is >= 0 and var at ? at + 1 : -1,
                _ => -1,
            };
            if (keep >= 0)
            {
                _bubbles.RemoveRange(keep, _bubbles.Count - keep);
            }

            _bubbles.Add(question);
            _bubbles.Add(answer);
        }
    }

    /// <summary>
    /// Gives the bubbles the ids and versions of the stored messages they show (a new version of a message also changes
    /// the count its siblings show); false when the stored branch is not what is shown.
    /// </summary>
    public bool Identify(IReadOnlyList<StoredMessage> stored)
    {
        lock (_bubbles)
        {
            if (stored.Count != _bubbles.Count)
            {
                return false;
            }

            for (int i = 0; i < stored.Count; i++)
            {
                _bubbles[i].Identify(stored[i]);
            }

            return true;
        }
    }
}
