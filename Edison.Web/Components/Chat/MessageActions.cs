namespace Edison.Web.Components.Chat;

/// <summary>A question edited on the page, to be sent in place of the original.</summary>
public sealed record MessageEdit(ChatBubble Question, string Text);

/// <summary>A move to the previous (-1) or next (+1) version of a message.</summary>
public sealed record VersionStep(ChatBubble Message, int Step);

/// <summary>A name a person gave a conversation in the list.</summary>
public sealed record ConversationRename(Guid Id, string Title);
