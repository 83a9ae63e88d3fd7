using System.Text.RegularExpressions;

namespace Edison.Core.Conversations;

/// <summary>
/// The words of a message worth searching remembered exchanges for: letters and digits only (so no word can be read
/// as query syntax by a store), lower-cased, without everyday words. Stores match any of them and rank exchanges
/// sharing the most and rarest words first.
/// </summary>
public static partial class MemoryQuery
{
    private const int MaxTerms = 24;

    // Words that say nothing about what was talked about; everything else in the message is a search term.
    private static readonly HashSet<string> StopWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "a", "about", "above", "after", "again", "against", "ago", "all", "also", "am", "an", "and", "any", "are",
        "as", "at", "back", "be", "because", "been", "before", "being", "below", "between", "both", "but", "by", "can",
        "could", "did", "do", "does", "doing", "done", "down", "during", "each", "earlier", "else", "even", "ever",
        "every", "few", "for", "from", "further", "get", "gets", "getting", "go", "goes", "going", "got", "had", "has",
        "have", "having", "he", "her", "here", "hers", "him", "his", "how", "i", "if", "in", "into", "is", "it", "its",
        "itself", "just", "know", "last", "let", "like", "look", "made", "make", "many", "may", "me", "might", "more",
        "most", "much", "must", "my", "myself", "need", "never", "new", "no", "nor", "not", "now", "of", "off",
        "often", "on", "once", "one", "only", "or", "other", "our", "ours", "out", "over", "own", "please", "put",
        "really", "remember", "said", "same", "say", "says", "see", "she", "should", "show", "since", "so", "some",
        "still", "such", "take", "tell", "than", "thank", "thanks", "that", "the", "their", "them", "then", "there",
        "these", "they", "thing", "things", "think", "this", "those", "through", "thought", "to", "today", "told",
        "too", "under", "until", "up", "us", "use", "used", "very", "want", "was", "way", "we", "week", "well", "were",
        "what", "when", "where", "which", "while", "who", "whom", "why", "will", "with", "would", "yes", "yesterday",
        "yet", "you", "your", "yours",
    };

    /// <summary>The search terms of a message; empty when it has no word worth searching for.</summary>
    public static IReadOnlyList<string> Terms(string message) =>
        Words().Matches(message)
            .Select(m => m.Value.ToLowerInvariant())
            .Where(w => w.Length > 1 && !StopWords.Contains(w))
            .Distinct()
            .Take(MaxTerms)
            .ToList();

    /// <summary>
    /// The words of a search box's text, everyday words included (a person searching means each one): letters and
    /// digits only, lower-cased, at most <see cref="MaxTerms"/>. Stores find what holds all of them.
    /// </summary>
    public static IReadOnlyList<string> AllTerms(string text) =>
        Words().Matches(text).Select(m => m.Value.ToLowerInvariant()).Distinct().Take(MaxTerms).ToList();

    [GeneratedRegex(@"[\p{L}\p{N}]+")]
    private static partial Regex Words();
}
