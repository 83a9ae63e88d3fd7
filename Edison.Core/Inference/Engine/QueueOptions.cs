namespace Edison.Core.Inference.Engine;

/// <summary>How long a request waits for the engine, a setting under <c>Edison:Chat</c> beside the other limits a client meets.</summary>
public sealed class QueueOptions
{
    public const string Section = "Edison:Chat";

    /// <summary>
    /// How long a request may wait for its turn when every sequence is busy; past it, 503 with Retry-After (or, for a
    /// stream that has already sent a ping, a done event with the same error).
    /// </summary>
    public TimeSpan MaxQueueWait { get; set; } = TimeSpan.FromMinutes(2);
}
