using Edison.Core.Inference.Models;
using Edison.Core.Inference.Tools;
using Microsoft.Extensions.AI;

namespace Edison.Core.Inference.Prompts;

/// <summary>The conversation that fits (system prompt first), as the model reads it, its size in tokens and the text that ends its answer.</summary>
public sealed record ChatPrompt(IReadOnlyList<ChatTurn> Turns, PromptText Formatted, int Tokens, IReadOnlyList<string> StopStrings)
{
    /// <summary>The model it was formatted and counted for.</summary>
    public IChatModel? Model { get; init; }

    /// <summary>The functions the prompt offers the model.</summary>
    public IReadOnlyList<AIFunctionDeclaration> Tools { get; init; } = [];

    public string Text => Formatted.Text;

    /// <summary>Whether it was formatted for <paramref name="model"/>: after a switch, another model reads other markup.</summary>
    public bool WasFormattedFor(IChatModel model) => ReferenceEquals(Model, model);

    /// <summary>The turns as chat messages, for a chat client; the images go with the user's last message.</summary>
    public List<ChatMessage> ToMessages(IReadOnlyList<DataContent> images)
    {
        var messages = Turns.Select(MessageOf).ToList();
        foreach (var image in images)
        {
            messages[^1].Contents.Insert(0, image);
        }

        return messages;
    }

    /// <summary>A turn as a chat message: its text, the calls an answer made, or a tool's result.</summary>
    private static ChatMessage MessageOf(ChatTurn turn) => turn switch
    {
        { Role: ChatTurn.Tool } => new ChatMessage(ChatRole.Tool, [new FunctionResultContent(turn.ToolCallId ?? string.Empty, turn.Content)]),
        { ToolCalls.Count: > 0 } => new ChatMessage(
            new ChatRole(turn.Role),
            [.. turn.Content.Length > 0 ? [new TextContent(turn.Content)] : Array.Empty<AIContent>(), .. turn.ToolCalls.Select(FunctionCalls.ToContent)]),
        _ => new ChatMessage(new ChatRole(turn.Role), turn.Content),
    };
}
