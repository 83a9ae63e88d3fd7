namespace Edison.Web.Components.Chat;

/// <summary>What the input hands the page when the user sends: the text and any attached images as data URLs.</summary>
public sealed record OutgoingMessage(string Text, IReadOnlyList<string> Images);
