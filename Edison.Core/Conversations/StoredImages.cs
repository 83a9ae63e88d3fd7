using System.Text.Json;

namespace Edison.Core.Conversations;

/// <summary>A question's images as a row holds them: a JSON array of data URLs, or null for none.</summary>
internal static class StoredImages
{
    public static string? ToJson(IReadOnlyList<string>? images) => images is { Count: > 0 } ? JsonSerializer.Serialize(images) : null;

    /// <summary>A row's images; null for none, and for a value that does not read as a list of strings.</summary>
    public static IReadOnlyList<string>? Parse(string? json)
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
