using System.Text.Json.Serialization;
using Edison.Core.Inference.Tools;

namespace Edison.Core.Conversations;

/// <summary>
/// A call an answer made to one of Edison's tools, and what came of it: shown (folded) with the answer, stored and
/// exported with it, and read back into the next turn's prompt as the model's template writes calls and results.
/// </summary>
/// <param name="Arguments">The call's arguments, a JSON object as text.</param>
/// <param name="Round">Which round of calls of the answer it was made in, from 0: a later round's calls read the earlier ones' results.</param>
/// <param name="Result">What the tool returned; null while it runs, and for a call that failed.</param>
/// <param name="Error">Why the call failed (the model reads it as the result); null for one that did not.</param>
public sealed record ToolRun(
    string Id,
    string Name,
    string Arguments,
    int Round,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Result = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Error = null)
{
    /// <summary>True while the call waits for the person to approve it (a tool that may change things asks first).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool AwaitingApproval { get; init; }

    /// <summary>Whether the call has ended, with a result or an error.</summary>
    [JsonIgnore]
    public bool Ended => Result is not null || Error is not null;

    /// <summary>
    /// Whether a run read from a file or the store is one Edison could have made: an id, a function's name, arguments
    /// that are a JSON object, a round from 0, and a result or an error, not both. Anything else is refused, as the next
    /// turn's prompt is written from it.
    /// </summary>
    public static bool IsWhole(ToolRun? run)
    {
        if (run is not { Id.Length: > 0 and <= 200, Arguments: { } arguments, Round: >= 0 and <= 1_000 } || (run.Result is not null && run.Error is not null)
            || !OfferedTools.IsName(run.Name))
        {
            return false;
        }

        try
        {
            using var json = System.Text.Json.JsonDocument.Parse(arguments);
            return json.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object;
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }

    /// <summary>What the model read of the call: its result, or its error.</summary>
    [JsonIgnore]
    public string Outcome => Result ?? Error ?? string.Empty;
}
