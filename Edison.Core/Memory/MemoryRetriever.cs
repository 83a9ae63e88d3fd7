using Edison.Core.Chat;
using Edison.Core.Conversations;
using Edison.Core.Llama;
using Microsoft.Extensions.Options;

namespace Edison.Core.Memory;

/// <summary>
/// Finds the remembered exchanges from other conversations that share the most telling words with a message
/// (SQLite FTS5, BM25), and writes as many as fit the token budget into a prompt section. One already in the
/// conversation (an earlier turn was asked with it, and reads with it still) is not written again.
/// </summary>
public sealed class MemoryRetriever(IConversationStore conversations, IOptions<MemoryOptions> options)
{
    private const int SnippetCharacters = 240;
    private const int CandidatesPerResult = 3;

    public async Task<PromptSection?> RetrieveAsync(IChatModel model, string message, Guid conversationId, IReadOnlyList<ChatTurn> history, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var terms = MemoryQuery.Terms(message);
        if (!settings.Enabled || terms.Count == 0)
        {
            return null;
        }

        var found = await conversations.SearchExchangesAsync(terms, conversationId, settings.MaxResults * CandidatesPerResult, cancellationToken);
        var asked = history.Where(turn => turn.Role == ChatTurn.User).Select(turn => turn.Content).ToList();
        var fresh = found
            .Select(exchange => (Exchange: exchange, Said: Snippet.Of(exchange.UserMessage, SnippetCharacters)))
            .Select(memory => (memory.Exchange, memory.Said, Line: $"- On {memory.Exchange.Created:yyyy-MM-dd} the user said: \"{memory.Said}\" and you answered: \"{Snippet.Of(memory.Exchange.Answer, SnippetCharacters)}\""))
            .Where(memory => !asked.Any(content => content.Contains(memory.Line, StringComparison.Ordinal)));
        return PromptSection.Fit(
            model,
            "From earlier conversations with this user (use them only if they help answer):",
            fresh,
            settings.TokenBudget,
            settings.MaxResults,
            (memory, _) => (memory.Line, ChatSource.Memory(memory.Exchange.ConversationId, memory.Said)));
    }
}
