using System.Text.Json;

namespace Edison.Core.Conversations;

/// <summary>What a person asked, as it is stored: the text and the images sent with it (data URLs), or none.</summary>
public readonly record struct AskedQuestion(string Text, IReadOnlyList<string>? Images = null)
{
    /// <summary>A question of text alone.</summary>
    public static implicit operator AskedQuestion(string text) => new(text);

    /// <summary>The images as a row holds them: a JSON array of data URLs, or null for none.</summary>
    public string? ImagesJson => ImagesToJson(Images);

    public static string? ImagesToJson(IReadOnlyList<string>? images) => images is { Count: > 0 } ? JsonSerializer.Serialize(images) : null;

    /// <summary>A row's images; null for none, and for a value that does not read as a list of strings.</summary>
    public static IReadOnlyList<string>? ImagesFromJson(string? json)
    {
        if (json is null)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<List<string>>(json) is { Count: > 0 } images ? images : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
