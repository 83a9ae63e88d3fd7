namespace Edison.Core.Inference;

/// <summary>A prompt that leaves no room in the model's context for an answer.</summary>
public sealed class PromptTooLongException(int promptTokens, int contextSize)
    : Exception($"The message is too long for this model: the prompt needs {promptTokens} tokens and the context holds {contextSize}.")
{
    public int PromptTokens { get; } = promptTokens;

    public int ContextSize { get; } = contextSize;
}
