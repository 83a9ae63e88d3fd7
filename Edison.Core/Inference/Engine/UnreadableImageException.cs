namespace Edison.Core.Inference.Engine;

/// <summary>An image the vision model could not take, with a message fit for the client.</summary>
public sealed class UnreadableImageException(string message) : Exception(message);
