using Edison.Core.Memory;

namespace Edison.Core.Conversations;

/// <summary>Stored conversations. Writes are whole exchanges, so a conversation is never half-written.</summary>
public interface IConversationStore
{
    Task InitializeAsync(CancellationToken cancellationToken);

    Task<IReadOnlyList<ConversationSummary>> ListAsync(CancellationToken cancellationToken);

    Task<Conversation?> GetAsync(Guid id, CancellationToken cancellationToken);

    /// <summary>Adds the user's message and the answer in one transaction, creating the conversation if new.</summary>
    Task AppendExchangeAsync(Guid id, string userMessage, string answer, CancellationToken cancellationToken);

    /// <summary>Gives an existing conversation a new title; false when it does not exist.</summary>
    Task<bool> RenameAsync(Guid id, string title, CancellationToken cancellationToken);

    /// <summary>Deletes a conversation, its messages and its place in the memory index together.</summary>
    Task<bool> DeleteAsync(Guid id, CancellationToken cancellationToken);

    /// <summary>
    /// Stored exchanges containing any of the terms (see <see cref="MemoryQuery"/>), the best matches first, the
    /// user's words counting more than the answer's, from every conversation but one.
    /// </summary>
    Task<IReadOnlyList<RememberedExchange>> SearchExchangesAsync(IReadOnlyList<string> terms, Guid excluding, int limit, CancellationToken cancellationToken);
}

public sealed record ConversationSummary(Guid Id, string Title, DateTimeOffset Updated);

public sealed record Conversation(Guid Id, string Title, DateTimeOffset Updated, IReadOnlyList<StoredMessage> Messages);

public sealed record StoredMessage(string Role, string Content, DateTimeOffset Created);
