namespace Edison.Core.Conversations;

/// <summary>
/// What happens to the stored conversations, told to every page that shows them: one was created, named, imported,
/// copied, deleted, or shows another branch. Raised wherever the change was made (a page, the API, an answer); handlers
/// may be called on any thread.
/// </summary>
public sealed class ConversationEvents
{
    /// <summary>The stored conversations changed: the conversation list may read differently.</summary>
    public event Action? Changed;

    /// <summary>A conversation was deleted.</summary>
    public event Action<Guid>? Deleted;

    /// <summary>Another version of a message is shown in a conversation.</summary>
    public event Action<Conversation>? BranchShown;

    public void AnnounceChanged() => Changed?.Invoke();

    /// <summary>Tells every page that a conversation is gone (one that shows it moves on); the list changes with it.</summary>
    public void AnnounceDeleted(Guid conversationId)
    {
        Deleted?.Invoke(conversationId);
        Changed?.Invoke();
    }

    /// <summary>Tells every page on the conversation (the one that moved it too) the branch it shows now.</summary>
    public void AnnounceBranchShown(Conversation shown) => BranchShown?.Invoke(shown);
}
