namespace Edison.Core.Conversations;

/// <summary>
/// A conversation's messages as a tree (each follows its parent; an edit or a regeneration is a sibling of what it
/// replaces) and the branch shown through it. Both stores read a conversation's rows and build it here.
/// </summary>
public static class ConversationTree
{
    /// <summary>
    /// The conversation showing the branch that ends at <paramref name="shownId"/>; without one (a conversation stored
    /// before branches existed), the branch that ends at its newest message.
    /// </summary>
    public static Conversation Build(Guid id, string title, DateTimeOffset updated, long? shownId, IReadOnlyList<StoredMessage> all)
    {
        var siblings = all.ToLookup(m => m.ParentId);
        long? leaf = shownId is { } shown && all.Any(m => m.Id == shown) ? shown : all.Count == 0 ? null : all[^1].Id;
        var branch = BranchTo(all, leaf).Select(m => m with { SiblingIds = [.. siblings[m.ParentId].Select(s => s.Id)] }).ToList();
        return new Conversation(id, title, updated, branch) { Tree = all };
    }

    /// <summary>The messages from the first question to <paramref name="messageId"/>, in order; none for null.</summary>
    public static IReadOnlyList<StoredMessage> BranchTo(IReadOnlyList<StoredMessage> all, long? messageId)
    {
        var byId = all.ToDictionary(m => m.Id);
        var branch = new List<StoredMessage>();

        // Parents are always older than their children, so the walk ends; the step cap guards a corrupted store.
        for (long? at = messageId; at is { } current && byId.TryGetValue(current, out var message) && branch.Count < all.Count; at = message.ParentId)
        {
            branch.Add(message);
        }

        branch.Reverse();
        return branch;
    }

    /// <summary>
    /// Where the branch through <paramref name="messageId"/> ends: at each step down, the newest of the children, so
    /// that moving to another version of a message shows the conversation as it went on from that version last.
    /// </summary>
    public static long? LeafUnder(IReadOnlyList<StoredMessage> all, long messageId)
    {
        if (!all.Any(m => m.Id == messageId))
        {
            return null;
        }

        var newestChild = all.GroupBy(m => m.ParentId).Where(g => g.Key is not null).ToDictionary(g => g.Key!.Value, g => g.Max(m => m.Id));
        long leaf = messageId;
        while (newestChild.TryGetValue(leaf, out var child))
        {
            leaf = child;
        }

        return leaf;
    }

    /// <summary>
    /// Shows the branch through a message (another version of a question or an answer), as it went on last; the
    /// conversation as it now shows, or null when it has no such message.
    /// </summary>
    public static async Task<Conversation?> ShowBranchAsync(this IConversationStore store, Guid id, long messageId, CancellationToken cancellationToken)
    {
        var conversation = await store.GetAsync(id, withImages: false, cancellationToken);
        if (conversation is null || LeafUnder(conversation.Tree, messageId) is not { } leaf || !await store.ShowAsync(id, leaf, cancellationToken))
        {
            return null;
        }

        return await store.GetAsync(id, cancellationToken);
    }

    /// <summary>Copies the branch up to a message of a conversation into a new conversation; its id, or null when there is no such message.</summary>
    public static async Task<Guid?> CopyBranchAsync(this IConversationStore store, Conversation conversation, long messageId, CancellationToken cancellationToken)
    {
        if (conversation.Tree.All(m => m.Id != messageId))
        {
            return null;
        }

        var copy = Guid.NewGuid();
        await store.CreateAsync(copy, conversation.Title, BranchTo(conversation.Tree, messageId), messageId, cancellationToken);
        return copy;
    }
}
