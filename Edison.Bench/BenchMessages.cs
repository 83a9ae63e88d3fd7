namespace Edison.Bench;

/// <summary>
/// What the benchmark sends. Every request that stands for a new message is a new text, so that Edison's prompt cache
/// never finds a whole earlier request and what is measured is what a person's next message costs.
/// </summary>
public static class BenchMessages
{
    private static readonly string[] Words =
    [
        "the", "keeper", "of", "a", "lighthouse", "walked", "down", "to", "shore", "every", "morning", "and", "counted",
        "boats", "that", "came", "back", "from", "sea", "before", "storm", "one", "day", "she", "found", "bottle",
        "with", "letter", "inside", "written", "in", "an", "old", "hand", "about", "island", "nobody", "had", "seen",
        "for", "years", "so", "took", "her", "small", "boat", "out", "past", "rocks", "where", "gulls", "cried",
        "wind", "turned", "cold", "but", "kept", "going", "until", "light", "behind", "was", "only", "star",
    ];

    /// <summary>The follow-ups of a conversation: a few words each, as people write them.</summary>
    public static readonly string[] FollowUps =
    [
        "And then what happened?", "Why did she go alone?", "Make it a little shorter.", "What was in the letter?",
        "Give it a happy ending.", "Who wrote the letter?", "Tell it from the gull's side.", "Add a second keeper.",
        "What did the island look like?", "Now give it a title.",
    ];

    /// <summary>A message on its own, numbered so that no two requests are the same text.</summary>
    public static string Numbered(string message, int n) => $"{message} ({n})";

    /// <summary>A conversation's first message: about twenty tokens, different for every conversation.</summary>
    public static string Opening(int conversation) =>
        $"Conversation {conversation}: tell me a short story about a lighthouse keeper who finds a bottle with a letter.";

    /// <summary>A long pasted text of the given number of words, different for every seed from its first word.</summary>
    public static string Long(int seed, int words)
    {
        var random = new Random(seed);
        return $"Text {seed}: " + string.Join(' ', Enumerable.Range(0, words).Select(_ => Words[random.Next(Words.Length)]));
    }

    /// <summary>A function that gives the next of these each time it is called, from the first again after the last.</summary>
    public static Func<string> Cycle(IReadOnlyList<string> items)
    {
        int next = 0;
        return () => items[next++ % items.Count];
    }
}
