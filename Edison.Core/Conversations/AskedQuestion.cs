namespace Edison.Core.Conversations;

/// <summary>What a person asked, as it is stored: the text and the images sent with it (data URLs), or none.</summary>
public readonly record struct AskedQuestion(string Text, IReadOnlyList<string>? Images = null)
{
    /// <summary>A question of text alone.</summary>
    public static implicit operator AskedQuestion(string text) => new(text);
}
