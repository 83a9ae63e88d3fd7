using Microsoft.Extensions.AI;

namespace Edison.Core.Inference.Engine;

/// <summary>
/// A control token's text in an answer's stream (<see cref="GenerationRequest.ShownControlTokens"/>), marked as such:
/// the same text spelled in ordinary tokens is the model's prose, and must be told apart from it.
/// </summary>
public static class ControlText
{
    private const string Key = "edison.control_token";

    public static TextContent Of(string text) => new(text) { AdditionalProperties = new() { [Key] = true } };

    public static bool Is(AIContent content) => content is TextContent { AdditionalProperties: { } properties } && properties.ContainsKey(Key);
}
