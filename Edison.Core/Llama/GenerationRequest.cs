namespace Edison.Core.Llama;

/// <summary>One generation: the full prompt and how to sample its continuation.</summary>
/// <param name="StopStrings">Text that ends the answer when the model writes it; it is not part of the answer.</param>
/// <param name="Images">Encoded images, one per <see cref="LoadedModel.ImageMarker"/> in the prompt, in order.</param>
public sealed record GenerationRequest(
    PromptText Prompt,
    int MaxTokens,
    float Temperature,
    float TopP,
    uint Seed,
    IReadOnlyList<string> StopStrings,
    IReadOnlyList<byte[]>? Images = null)
{
    public GenerationReport Report { get; } = new();
}
