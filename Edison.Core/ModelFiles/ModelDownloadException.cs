namespace Edison.Core.ModelFiles;

/// <summary>A download that could not be completed, with a message fit to show the user.</summary>
public sealed class ModelDownloadException(string message, Exception? inner = null) : Exception(message, inner);
