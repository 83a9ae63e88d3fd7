namespace Edison.Core.Inference.Engine;

/// <summary>How much the engine takes on: sequences at once, requests waiting, how long one may wait, and what it keeps.</summary>
/// <param name="KeptSequences">Finished sequences the prompt cache keeps; 0 keeps none.</param>
/// <param name="PromptChunkWhileStreaming">Prompt tokens per batch while answers stream (the batch size when none does).</param>
/// <param name="DecodesApart">Whether streaming answers decode in steps of their own; null measures (see <see cref="StepSplitting"/>).</param>
internal sealed record EngineLimits(int MaxParallel, int QueueLimit, TimeSpan MaxQueueWait, int KeptSequences, int PromptChunkWhileStreaming, bool? DecodesApart)
{
    /// <summary>What a busy Edison asks clients to wait before they try again.</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);
}
