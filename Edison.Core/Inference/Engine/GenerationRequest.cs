using Edison.Core.Inference.Models;
using Edison.Core.Inference.Prompts;
using LLama.Native;

namespace Edison.Core.Inference.Engine;

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
    /// <summary>
    /// The model the prompt was formatted for, leased by the caller for as long as the generation lasts; null runs it
    /// on the current model.
    /// </summary>
    public ModelLease? Lease { get; init; }

    /// <summary>
    /// The thinking's budget: past it Edison writes the thinking's close into the sequence and the model answers. The
    /// answer's own <see cref="MaxTokens"/> does not count the thinking. Null for no budget.
    /// </summary>
    public int? MaxReasoningTokens { get; init; }

    /// <summary>
    /// How the next turn's prompt reads this one with its answer (the text the engine released, thinking left out), up
    /// to the answer's end (left open, as <see cref="ChatPromptBuilder.Format"/> leaves one); null when not known.
    /// </summary>
    public Func<string, PromptText>? NextTurn { get; init; }

    /// <summary>A grammar the answer is held to (a tool call's); null for free text.</summary>
    public SamplingGrammar? Grammar { get; init; }

    /// <summary>
    /// Control tokens the answer's stream shows, with their text, each in an update of its own marked
    /// <see cref="ControlText"/>: where a family opens its calls with one (Mistral's <c>[TOOL_CALLS]</c>), the calls are
    /// parted from the text there, and only there. Every other control token shows nothing.
    /// </summary>
    public IReadOnlyDictionary<LLamaToken, string> ShownControlTokens { get; init; } = new Dictionary<LLamaToken, string>();
}
