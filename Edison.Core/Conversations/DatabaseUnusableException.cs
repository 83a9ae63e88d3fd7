namespace Edison.Core.Conversations;

/// <summary>The database cannot be opened as Edison's (a file cut short or damaged); the message names it and what to do.</summary>
public sealed class DatabaseUnusableException(string message, Exception inner) : Exception(message, inner);
