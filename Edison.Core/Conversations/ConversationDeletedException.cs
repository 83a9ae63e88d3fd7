namespace Edison.Core.Conversations;

/// <summary>
/// An exchange was to go on in a conversation that no longer exists (deleted while it was being answered): nothing was
/// written, so the conversation does not come back.
/// </summary>
public sealed class ConversationDeletedException(Guid conversationId)
    : Exception($"Conversation {conversationId} was deleted; the exchange was not stored.")
{
    public Guid ConversationId { get; } = conversationId;
}
