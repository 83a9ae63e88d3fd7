namespace Edison.Core.Llama;

/// <summary>How much the engine takes on: sequences at once, requests waiting, and how long one may wait.</summary>
internal sealed record EngineLimits(int MaxParallel, int QueueLimit, TimeSpan MaxQueueWait)
{
    /// <summary>What a busy Edison asks clients to wait before they try again.</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);
}
