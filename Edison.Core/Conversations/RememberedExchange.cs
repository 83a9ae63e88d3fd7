namespace Edison.Core.Conversations;

/// <summary>A stored exchange found by a memory search.</summary>
public sealed record RememberedExchange(Guid ConversationId, string UserMessage, string Answer, DateTimeOffset Created);
