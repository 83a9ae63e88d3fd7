namespace Edison.Core.Chat;

/// <summary>Text added to a prompt's system message, and the sources it was written from.</summary>
public sealed record PromptSection(string Text, IReadOnlyList<ChatSource> Sources);
