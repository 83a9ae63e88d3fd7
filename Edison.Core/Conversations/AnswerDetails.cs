using System.Text.Json;
using System.Text.Json.Serialization;
using Edison.Core.Chat;

namespace Edison.Core.Conversations;

/// <summary>
/// How a stored answer was made, kept with it: the page shows it again after a reload (the sources, the Continue of a
/// cut-off answer) and an export carries it. Stored as JSON in the answer's row.
/// </summary>
/// <param name="Mode">The mode it was written in.</param>
/// <param name="CutOff">True when the length limit, not the model, ended it: it can be continued.</param>
/// <param name="Sources">The memories and web results its prompt held.</param>
public sealed record AnswerDetails(
    string? Mode,
    [property: JsonPropertyName("cut_off")] bool CutOff,
    IReadOnlyList<ChatSource> Sources)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>A stored row's details; null for none (a question, an answer stored before details were kept).</summary>
    public static AnswerDetails? Parse(string? json) => json is null ? null : Read(JsonDocument.Parse(json).RootElement);

    /// <summary>Details from a file or a row, checked: null when <paramref name="element"/> is not details.</summary>
    public static AnswerDetails? Read(JsonElement element)
    {
        try
        {
            return element.Deserialize<AnswerDetails>(Json) is { } details ? details with { Sources = details.Sources ?? [] } : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
