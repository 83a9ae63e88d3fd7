namespace Edison.Core.Inference.Engine;

/// <summary>
/// Edison cannot take the request now: its queue is full, or the request waited longer than it may. Not a failure of
/// the request; the client should come back after <see cref="RetryAfter"/>.
/// </summary>
public sealed class EngineBusyException(string message, TimeSpan retryAfter) : Exception(message)
{
    public TimeSpan RetryAfter { get; } = retryAfter;
}
