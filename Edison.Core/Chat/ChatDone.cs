using System.Text.Json.Serialization;
using Edison.Core.Context;
using Edison.Core.Conversations;
using Edison.Core.Inference.Tools;

namespace Edison.Core.Chat;

/// <summary>
/// The end of an answer: completed (ok), failed (error) or stopped by the client; on the wire, the <c>done</c> event and
/// <c>/chat</c>'s answer.
/// </summary>
public sealed record ChatDone
{
    public required bool Ok { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ModeUsed { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Response { get; init; }

    /// <summary>A thinking model's whole thinking, apart from <see cref="Response"/>; absent when it did not think.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Reasoning { get; init; }

    /// <summary>The calls Edison's tools ran while the answer was written, each with its result or error; absent when none ran.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<ToolRun>? Tools { get; init; }

    /// <summary>The calls the model made for the client to run (OpenAI-style function calling); absent when it made none.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<ToolCall>? ToolCalls { get; init; }

    /// <summary>
    /// Why a completed answer ended: <c>"stop"</c> (the model finished), <c>"length"</c> (the length limit cut it) or
    /// <c>"tool_calls"</c> (the model called tools).
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? FinishReason { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Guid? ConversationId { get; init; }

    /// <summary>The memories and search results that went into the prompt; an empty list when none did.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<ChatSource>? Sources { get; init; }

    /// <summary>What the user should know about how the answer was made, such as a web search that failed.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Notices { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Error { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? Stopped { get; init; }

    /// <summary>The tokens a completed answer took, when the engine reports them.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ChatUsage? Usage { get; init; }

    /// <summary>Set when Edison was too busy to answer: how long the client should wait (HTTP answers 503 with Retry-After).</summary>
    [JsonIgnore]
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>How the answer ended, as the store keeps it and the metrics count it: completed, stopped or failed.</summary>
    [JsonIgnore]
    public string Outcome => Ok ? MessageState.Completed : Stopped == true ? MessageState.Stopped : MessageState.Failed;

    public static ChatDone Completed(
        string mode, string response, Guid conversationId, IReadOnlyList<ChatSource> sources, IReadOnlyList<string> notices, ChatUsage? usage, bool cutOff) =>
        new()
        {
            Ok = true,
            ModeUsed = mode,
            Response = response,
            FinishReason = cutOff ? "length" : "stop",
            ConversationId = conversationId,
            Sources = sources,
            Notices = notices.Count == 0 ? null : notices,
            Usage = usage,
        };

    public static ChatDone Failed(string error) => new() { Ok = false, Error = error };

    public static ChatDone WasStopped() => new() { Ok = false, Stopped = true };

    public static ChatDone Busy(string error, TimeSpan retryAfter) => new() { Ok = false, Error = error, RetryAfter = retryAfter };
}
