namespace Edison.Core.Context;

/// <summary>Text cut down for a prompt section or a source: one line, at most a given length.</summary>
public static class Snippet
{
    public static string Of(string text, int maxCharacters)
    {
        var flat = text.ReplaceLineEndings(" ").Trim();
        return flat.Length <= maxCharacters ? flat : string.Concat(flat.AsSpan(0, maxCharacters), "…");
    }
}
