namespace Edison.Core.Llama;

/// <summary>One generation: the full prompt text and how to sample its continuation.</summary>
/// <param name="StopStrings">Text that ends the answer when the model writes it; it is not part of the answer.</param>
public sealed record GenerationRequest(
    string Prompt,
    int MaxTokens,
    float Temperature,
    float TopP,
    uint Seed,
    IReadOnlyList<string> StopStrings);
