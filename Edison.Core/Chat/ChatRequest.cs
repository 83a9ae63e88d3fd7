using System.Text.Json.Serialization;
using Edison.Core.Inference.Prompts;
using Microsoft.Extensions.AI;

namespace Edison.Core.Chat;

/// <summary>
/// A client's chat request as it arrives (snake_case on the wire). Everything is optional here so that a
/// missing field gets a clear error from <see cref="ChatPipeline.PrepareAsync"/> rather than a parser message.
/// </summary>
public sealed record ChatRequest(
    string? Message,
    string? Mode = null,
    string? ConversationId = null,
    bool? Remember = null,
    int? MaxTokens = null,
    float? Temperature = null,
    IReadOnlyList<string>? Images = null)
{
    /// <summary>
    /// Where in the stored conversation to answer from (regenerate, edit), instead of after the answer shown last: an
    /// answer's id asks <see cref="Message"/> after it, a question's id answers that question again (send no message),
    /// and 0 asks <see cref="Message"/> as the conversation's first question. Earlier versions are kept beside the new one.
    /// </summary>
    public long? ParentId { get; init; }

    /// <summary>
    /// For a thinking model: false answers without thinking where the model can be told so (a 400 where it cannot),
    /// true asks a model that thinks to think (a 400 for one that does not); unset, the model's own way.
    /// </summary>
    public bool? Think { get; init; }

    /// <summary>How many tokens a thinking model may think before Edison closes its thinking and it answers.</summary>
    public int? MaxReasoningTokens { get; init; }

    /// <summary>
    /// A stored answer to write more of (Continue, for one the length limit cut off): the model goes on from its last
    /// word and the answer is stored as one, longer. It must be the last message of its branch; send no message.
    /// </summary>
    public long? ContinueId { get; init; }

    /// <summary>
    /// The conversation so far, for clients that keep it themselves (OpenAI-style); then no conversation is loaded
    /// or stored. Not part of <c>/chat</c>'s JSON.
    /// </summary>
    [JsonIgnore]
    public IReadOnlyList<ChatTurn>? History { get; init; }

    /// <summary>The client's own system prompt, instead of the mode's. Not part of <c>/chat</c>'s JSON.</summary>
    [JsonIgnore]
    public string? SystemPrompt { get; init; }

    /// <summary>Ends the answer where the model writes any of these. Not part of <c>/chat</c>'s JSON.</summary>
    [JsonIgnore]
    public IReadOnlyList<string>? StopStrings { get; init; }

    /// <summary>The sampling seed for this request. Not part of <c>/chat</c>'s JSON.</summary>
    [JsonIgnore]
    public uint? Seed { get; init; }

    /// <summary>Top-p for this request instead of the mode's. Not part of <c>/chat</c>'s JSON.</summary>
    [JsonIgnore]
    public float? TopP { get; init; }

    /// <summary>Functions the client offers the model, which the client runs (OpenAI-style). Not part of <c>/chat</c>'s JSON.</summary>
    [JsonIgnore]
    public IReadOnlyList<AIFunctionDeclaration>? Tools { get; init; }

    /// <summary>Whether the model must call one of <see cref="Tools"/>; null as the model likes. Not part of <c>/chat</c>'s JSON.</summary>
    [JsonIgnore]
    public ChatToolMode? ToolMode { get; init; }

    /// <summary>Whether the model may make several calls in one answer (yes unless false). Not part of <c>/chat</c>'s JSON.</summary>
    [JsonIgnore]
    public bool? ParallelToolCalls { get; init; }
}
