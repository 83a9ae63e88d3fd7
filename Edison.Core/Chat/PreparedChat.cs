using Edison.Core.Llama;

namespace Edison.Core.Chat;

/// <summary>A validated request with its prompt built: everything needed to stream the answer and store it.</summary>
public sealed record PreparedChat(
    Guid ConversationId,
    ChatMode Mode,
    string Message,
    bool Remember,
    GenerationRequest Generation,
    IReadOnlyList<ChatSource> Sources,
    IReadOnlyList<string> Notices);
