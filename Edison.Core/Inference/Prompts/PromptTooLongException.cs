namespace Edison.Core.Inference.Prompts;

/// <summary>A prompt that leaves no room in the model's context for an answer.</summary>
/// <param name="room">What the context leaves for the prompt: all of it, or what is left once the answer has its room.</param>
public sealed class PromptTooLongException(int promptTokens, int room, int contextSize)
    : Exception(room < contextSize
        ? $"The message is too long for this model: the prompt needs {promptTokens} tokens, and {room} of the context's {contextSize} are left for it once the answer has room."
        : $"The message is too long for this model: the prompt needs {promptTokens} tokens and the context holds {contextSize}.")
{
    public PromptTooLongException(int promptTokens, int contextSize)
        : this(promptTokens, contextSize, contextSize)
    {
    }
}
