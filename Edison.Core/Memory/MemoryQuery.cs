using System.Text.RegularExpressions;

namespace Edison.Core.Memory;

/// <summary>
/// Turns a message into an SQLite FTS5 query: its content words, each quoted (so no word is read as FTS5 syntax),
/// joined with OR so that BM25 ranks exchanges sharing the most and rarest words first.
/// </summary>
public static partial class MemoryQuery
{
    private const int MaxTerms = 24;

    // Words that say nothing about what was talked about; everything else in the message is a search term.
    private static readonly HashSet<string> StopWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "a", "about", "all", "am", "an", "and", "any", "are", "as", "at", "be", "been", "but", "by", "can", "could",
        "did", "do", "does", "for", "from", "had", "has", "have", "he", "her", "him", "his", "how", "i", "if", "in",
        "is", "it", "its", "last", "me", "my", "no", "not", "of", "on", "or", "our", "said", "say", "she", "so",
        "tell", "told", "than", "that", "the", "their", "them", "then", "there", "they", "this", "to", "us", "was",
        "we", "week", "were", "what", "when", "where", "which", "who", "why", "will", "with", "would", "yesterday",
        "you", "your", "remember", "again", "earlier", "ago", "just", "please", "some", "know",
    };

    /// <summary>The FTS5 query for a message, or null when it has no word worth searching for.</summary>
    public static string? From(string message)
    {
        var terms = Words().Matches(message)
            .Select(m => m.Value.ToLowerInvariant())
            .Where(w => w.Length > 1 && !StopWords.Contains(w))
            .Distinct()
            .Take(MaxTerms)
            .Select(w => $"\"{w}\"")
            .ToList();
        return terms.Count == 0 ? null : string.Join(" OR ", terms);
    }

    [GeneratedRegex(@"[\p{L}\p{N}]+")]
    private static partial Regex Words();
}
