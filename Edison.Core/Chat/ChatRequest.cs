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
    IReadOnlyList<string>? Images = null);
