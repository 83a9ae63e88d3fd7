using System.ComponentModel.DataAnnotations;
using Edison.Core.Inference.Engine;
using Edison.Core.Modes;

namespace Edison.Core.Chat;

/// <summary>Settings under <c>Edison:Generation</c>: the defaults a request may override.</summary>
public sealed class GenerationOptions
{
    public const string Section = "Edison:Generation";

    [Range(1, 1 << 20)]
    public int MaxTokens { get; set; } = 512;

    /// <summary>Unset: each mode's own temperature. Set: this one for every mode (a request's own still wins).</summary>
    [Range(SamplingLimits.MinTemperature, SamplingLimits.MaxTemperature)]
    public float? Temperature { get; set; }

    /// <summary>Unset: each mode's own top-p. Set: this one for every mode.</summary>
    [Range(0.0, 1.0)]
    public float? TopP { get; set; }

    /// <summary>
    /// Unset: a thinking model thinks as it was made to. False: it answers without thinking where its template can ask it
    /// to (the others think anyway). A request's own <c>think</c> wins.
    /// </summary>
    public bool? Think { get; set; }

    /// <summary>How many tokens a thinking model may think before Edison closes its thinking; a request's own wins.</summary>
    [Range(1, 1 << 20)]
    public int MaxReasoningTokens { get; set; } = 512;

    /// <summary>The sampling seed; unset means a new random seed for every answer.</summary>
    public uint? Seed { get; set; }

    /// <summary>
    /// How one answer samples: what its request asks, else these settings, else the mode's own; a seed of its own when
    /// none is set anywhere, so that answers asked again differ.
    /// </summary>
    public Sampling SamplingFor(ChatMode mode, float? temperature, float? topP, long? seed) => new(
        temperature ?? Temperature ?? mode.Temperature,
        topP ?? TopP ?? mode.TopP,
        seed is { } own ? unchecked((uint)own) : Seed ?? (uint)Random.Shared.Next());

    /// <summary>An answer's length limit: the request's, else <see cref="MaxTokens"/> within half the model's context.</summary>
    public int MaxTokensFor(int? requested, int contextSize) => requested ?? Math.Min(MaxTokens, contextSize / 2);
}
