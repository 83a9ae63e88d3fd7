using Edison.Core.Context;
using Edison.Core.Conversations;
using Edison.Core.Inference.Prompts;
using Edison.Core.Modes;
using Microsoft.Extensions.AI;

namespace Edison.Core.Chat;

/// <summary>A validated request with its prompt built: everything needed to stream the answer and store it.</summary>
/// <param name="IsFirstExchange">A stored conversation's first question, whose answer may suggest its title.</param>
public sealed record PreparedChat(
    Guid ConversationId,
    ChatMode Mode,
    string Message,
    ExchangeStorage Storage,
    bool IsFirstExchange,
    ChatPrompt Prompt,
    IReadOnlyList<ChatMessage> Messages,
    ChatOptions Options,
    IReadOnlyList<ChatSource> Sources,
    IReadOnlyList<string> Notices)
{
    /// <summary>The memories and web results that went with the message into its turn, stored with it.</summary>
    public string? Context { get; init; }

    /// <summary>The images the message is asked with, stored with it.</summary>
    public IReadOnlyList<ImageAttachment> Images { get; init; } = [];

    /// <summary>Where the exchange goes in the stored conversation.</summary>
    public ExchangePlace Place { get; init; }

    /// <summary>The stored answer this one writes more of (Continue), as it was before.</summary>
    public StoredMessage? Continued { get; init; }

    /// <summary>Whether the stored answer, once completed, may be recalled as a memory in other conversations.</summary>
    public bool Remembered { get; init; } = true;
}
