namespace Edison.Core.Inference.Engine;

/// <summary>The numbers sampling accepts, for the server's checks, its settings, the settings dialog and the settings a browser kept alike.</summary>
public static class SamplingLimits
{
    public const float MinTemperature = 0f;
    public const float MaxTemperature = 2f;

    public static bool IsTemperature(float temperature) => float.IsFinite(temperature) && temperature is >= MinTemperature and <= MaxTemperature;

    /// <summary>Top-p keeps the most likely tokens up to this share of the probability: more than none, at most all.</summary>
    public static bool IsTopP(float topP) => float.IsFinite(topP) && topP is > 0 and <= 1;
}
