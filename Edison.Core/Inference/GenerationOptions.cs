using System.ComponentModel.DataAnnotations;

namespace Edison.Core.Inference;

/// <summary>Settings under <c>Edison:Generation</c>: the defaults a request may override.</summary>
public sealed class GenerationOptions
{
    public const string Section = "Edison:Generation";

    [Range(1, 1 << 20)]
    public int MaxTokens { get; set; } = 512;

    /// <summary>Unset: each mode's own temperature. Set: this one for every mode (a request's own still wins).</summary>
    [Range(0.0, 2.0)]
    public float? Temperature { get; set; }

    /// <summary>Unset: each mode's own top-p. Set: this one for every mode.</summary>
    [Range(0.0, 1.0)]
    public float? TopP { get; set; }

    /// <summary>The sampling seed; unset means a new random seed for every answer.</summary>
    public uint? Seed { get; set; }
}
