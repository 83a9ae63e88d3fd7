using System.Text.Json;
using System.Text.Json.Serialization;
using Edison.Core.Context;

namespace Edison.Core.Conversations;

/// <summary>
/// How a stored answer was made, kept with it: the page shows it again after a reload (the sources, the Continue of a
/// cut-off answer) and an export carries it. Stored as JSON in the answer's row.
/// </summary>
/// <param name="Mode">The mode it was written in.</param>
/// <param name="CutOff">True when the length limit, not the model, ended it: it can be continued.</param>
/// <param name="Sources">The memories and web results its prompt held.</param>
/// <param name="Remembered">
/// False when it was asked with <c>remember: false</c>: it is stored and found by search like any other, but never
/// recalled as a memory in another conversation. Answers stored before this was kept were all remembered.
/// </param>
/// <param name="Reasoning">
/// A thinking model's thinking before the answer: shown (folded) with it, exported with it, but never read back into a
/// later prompt, as the models' own templates leave it out. Null for an answer without thinking.
/// </param>
/// <param name="ThoughtSeconds">How long the model thought, in whole seconds (at least 1); null without thinking.</param>
public sealed record AnswerDetails(
    string? Mode,
    [property: JsonPropertyName("cut_off")] bool CutOff,
    IReadOnlyList<ChatSource> Sources,
    bool Remembered = true,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reasoning = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? ThoughtSeconds = null)
{
    /// <summary>
    /// The calls it made to Edison's tools, with their results, in order: shown with it, and read back into later
    /// prompts between the question and the answer, as the model's template writes calls; null when it made none.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<ToolRun>? Tools { get; init; }

    /// <summary>More calls than any answer makes (rounds times calls a round): a file with more is not an answer's.</summary>
    private const int MaxToolRuns = 1_000;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>
    /// A stored row's details; null for none (a question, an answer stored before details were kept) and for a row
    /// that does not read as details.
    /// </summary>
    public static AnswerDetails? Parse(string? json) => json is null ? null : Checked(() => JsonSerializer.Deserialize<AnswerDetails>(json, Json));

    /// <summary>Details from a file, checked: null when <paramref name="element"/> is not details.</summary>
    public static AnswerDetails? Read(JsonElement element) => Checked(() => element.Deserialize<AnswerDetails>(Json));

    /// <summary>Whether an answer that ended in <paramref name="state"/> with these details joins the memory index.</summary>
    public static bool JoinsMemory(string state, AnswerDetails? details) => state == MessageState.Completed && details?.Remembered != false;

    /// <summary>The same mode, marks, sources, thinking and calls: two reads of one stored answer are equal.</summary>
    public bool Equals(AnswerDetails? other) =>
        other is not null && Mode == other.Mode && CutOff == other.CutOff && Remembered == other.Remembered && Reasoning == other.Reasoning
        && Sources.SequenceEqual(other.Sources) && (Tools ?? []).SequenceEqual(other.Tools ?? []);

    public override int GetHashCode() => HashCode.Combine(Mode, CutOff, Remembered, Sources.Count);

    private static AnswerDetails? Checked(Func<AnswerDetails?> read)
    {
        try
        {
            return read() is { } details && (details.Tools ?? []).All(ToolRun.IsWhole) && details.Tools?.Count is null or <= MaxToolRuns
                ? details with { Sources = details.Sources ?? [] }
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
