using Edison.Core.Inference.Models;
using Microsoft.Extensions.AI;

namespace Edison.Core.Inference.Prompts;

/// <summary>The conversation that fits (system prompt first), as the model reads it, its size in tokens and the text that ends its answer.</summary>
public sealed record ChatPrompt(IReadOnlyList<ChatTurn> Turns, PromptText Formatted, int Tokens, IReadOnlyList<string> StopStrings)
{
    /// <summary>The model it was formatted and counted for.</summary>
    public IChatModel? Model { get; init; }

    public string Text => Formatted.Text;

    /// <summary>Whether it was formatted for <paramref name="model"/>: after a switch, another model reads other markup.</summary>
    public bool WasFormattedFor(IChatModel model) => ReferenceEquals(Model, model);

    /// <summary>The turns as chat messages, for a chat client; the images go with the user's last message.</summary>
    public List<ChatMessage> ToMessages(IReadOnlyList<DataContent> images)
    {
        var messages = Turns.Select(t => new ChatMessage(new ChatRole(t.Role), t.Content)).ToList();
        foreach (var image in images)
        {
            messages[^1].Contents.Insert(0, image);
        }

        return messages;
    }
}
