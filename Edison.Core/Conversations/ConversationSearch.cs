
namespace Edison.Core.Conversations;

/// <summary>What a person types into a search box, as a search of the stored conversations: the page's and the API's.</summary>
public static class ConversationSearch
{
    /// <summary>Enough to find a conversation by a word or two; a longer list is a sign the words should be more.</summary>
    public const int MaxHits = 50;

    /// <summary>
    /// The conversations holding every word of <paramref name="text"/>, best first; null when it has no word to look
    /// for (only punctuation or spaces).
    /// </summary>
    public static async Task<IReadOnlyList<ConversationHit>?> SearchTextAsync(this IConversationStore store, string text, CancellationToken cancellationToken)
    {
        var terms = MemoryQuery.AllTerms(text);
        return terms.Count == 0 ? null : await store.SearchAsync(terms, MaxHits, cancellationToken);
    }
}
