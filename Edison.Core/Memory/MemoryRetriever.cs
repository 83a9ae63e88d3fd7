using Edison.Core.Context;
using Edison.Core.Conversations;
using Edison.Core.Inference.Models;
using Edison.Core.Inference.Prompts;
using Microsoft.Extensions.Options;

namespace Edison.Core.Memory;

/// <summary>
/// Finds the remembered exchanges from other conversations that share the most telling words with a message
/// (SQLite FTS5, BM25), and writes as many as fit the token budget into a prompt section. One already in the
/// conversation (an earlier turn was asked with it, and reads with it still) is not written again.
/// </summary>
/// <remarks>
/// The budget is the conversation's, not each turn's: memories its earlier turns were asked with count against it.
/// Every memory written is new text the model must read before it answers (about 3 s for a full budget on a
/// 300M-parameter model on two cores), so a follow-up adds memories only while the conversation holds fewer than
/// the budget, and a conversation that began with them answers its follow-ups from the prompt cache alone.
/// </remarks>
public sealed class MemoryRetriever(IConversationStore conversations, IOptions<MemoryOptions> options)
{
    private const int SnippetCharacters = 240;
    private const int CandidatesPerResult = 3;
    private const string Heading = "From earlier conversations with this user (use them only if they help answer):";

    public async Task<PromptSection?> RetrieveAsync(IChatModel model, string message, Guid conversationId, IReadOnlyList<ChatTurn> history, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var terms = MemoryQuery.Terms(message);
        if (!settings.Enabled || terms.Count == 0)
        {
            return null;
        }

        int budget = settings.TokenBudget - TokensRemembered(model, history);
        var found = await conversations.SearchExchangesAsync(terms, conversationId, settings.MaxResults * CandidatesPerResult, cancellationToken);
        var asked = history.Where(turn => turn.Role == ChatTurn.User).Select(turn => turn.Content).ToList();
        var fresh = found
            .Select(exchange => (Exchange: exchange, Said: Snippet.Of(exchange.UserMessage, SnippetCharacters)))
            .Select(memory => (memory.Exchange, memory.Said, Line: $"- On {memory.Exchange.Created:yyyy-MM-dd} the user said: \"{memory.Said}\" and you answered: \"{Snippet.Of(memory.Exchange.Answer, SnippetCharacters)}\""))
            .Where(memory => !asked.Any(content => content.Contains(memory.Line, StringComparison.Ordinal)));
        return PromptSection.Fit(
            model,
            Heading,
            fresh,
            budget,
            settings.MaxResults,
            (memory, _) => (memory.Line, ChatSource.Memory(memory.Exchange.ConversationId, memory.Said)));
    }

    /// <summary>Tokens of the memory sections the conversation's questions were asked with.</summary>
    private static int TokensRemembered(IChatModel model, IReadOnlyList<ChatTurn> history)
    {
        int tokens = 0;
        foreach (var turn in history.Where(turn => turn.Role == ChatTurn.User))
        {
            int start = turn.Content.IndexOf(Heading, StringComparison.Ordinal);
            if (start < 0)
            {
                continue;
            }

            // A turn's sections, and the question after them, are set apart by a blank line.
            int end = turn.Content.IndexOf("\n\n", start, StringComparison.Ordinal);
            tokens += model.CountTokens(turn.Content[start..(end < 0 ? turn.Content.Length : end)]);
        }

        return tokens;
    }
}
