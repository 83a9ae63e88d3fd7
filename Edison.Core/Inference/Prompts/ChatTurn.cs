using Edison.Core.Inference.Tools;

namespace Edison.Core.Inference.Prompts;

/// <summary>One message of a conversation as a prompt sees it.</summary>
public sealed record ChatTurn(string Role, string Content)
{
    public const string System = "system";
    public const string User = "user";
    public const string Assistant = "assistant";

    /// <summary>A tool's result, answering the call named by <see cref="ToolCallId"/>.</summary>
    public const string Tool = "tool";

    /// <summary>The calls an assistant turn made (after its <see cref="Content"/>, which may be empty).</summary>
    public IReadOnlyList<ToolCall> ToolCalls { get; init; } = [];

    /// <summary>For a tool turn: the call it is the result of.</summary>
    public string? ToolCallId { get; init; }

    /// <summary>
    /// The turn as a tool-call format wrote it (<see cref="ToolCallFormat"/>): its content with the format's own markup
    /// around it, written instead of <see cref="Content"/>; null for a turn that is its content.
    /// </summary>
    public IReadOnlyList<PromptPart>? Parts { get; init; }
}
