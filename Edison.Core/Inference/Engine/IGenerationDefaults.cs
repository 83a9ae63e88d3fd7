namespace Edison.Core.Inference.Engine;

/// <summary>The numbers an answer is generated with when its caller leaves them out (the chat layer knows them).</summary>
public interface IGenerationDefaults
{
    Sampling SamplingFor(float? temperature, float? topP, long? seed);

    /// <summary>An answer's length limit: the one asked for, else the default within the model's context.</summary>
    int MaxTokensFor(int? requested, int contextSize);
}

/// <summary>How one answer samples its tokens.</summary>
public readonly record struct Sampling(float Temperature, float TopP, uint Seed);
