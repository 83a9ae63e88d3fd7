namespace Edison.Core.Llama;

/// <summary>
/// How a generation went, filled in by the engine when it ends (before the caller's stream completes, so a caller
/// that has read to the end sees it): tokens read and written, and whether a limit rather than the model ended it.
/// </summary>
public sealed class GenerationReport
{
    public int PromptTokens { get; internal set; }

    public int CompletionTokens { get; internal set; }

    /// <summary>True when max tokens or the context ended the answer, not the model or a stop string.</summary>
    public bool CutOff { get; internal set; }
}
