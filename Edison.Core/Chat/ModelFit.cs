using System.Text;
using Edison.Core.Inference.Prompts;
using Edison.Core.Inference.Tools;
using Microsoft.Extensions.AI;
using Edison.Core.Modes;
using Edison.Core.Inference.Models;

namespace Edison.Core.Chat;

/// <summary>What a turn must fit in the model it is asked of: whether it sees images, how long the answer may be, how long the message.</summary>
public static class ModelFit
{
    /// <summary>Checks that the model sees the images and returns the answer's length limit.</summary>
    public static int MaxTokens(IChatModel model, GenerationOptions generation, ChatRequest request, IReadOnlyList<ImageAttachment> images)
    {
        if (images.Count > 0 && !model.CanSeeImages)
        {
            throw new ChatRequestException($"This model ({model.Name}) cannot see images; send the message without \"images\", or configure a vision model.");
        }

        int maxTokens = generation.MaxTokensFor(request.MaxTokens, model.ContextSize);
        if (maxTokens < 1 || maxTokens > model.ContextSize)
        {
            throw new ChatRequestException($"\"max_tokens\" must be between 1 and {model.ContextSize} (this model's context size).");
        }

        return maxTokens;
    }

    /// <summary>
    /// How the model thinks for this request: whether it is told not to, and its thinking's budget (null for a model
    /// that does not think, or does not now). A request that asks what the model cannot do is refused; a setting that
    /// asks it is not, and the model thinks its own way.
    /// </summary>
    public static (bool Off, int? Budget) Thinking(IChatModel model, GenerationOptions generation, ChatRequest request, ChatMode mode)
    {
        switch (request.Think, model.Thinking)
        {
            case (true, null):
                throw new ChatRequestException($"This model ({model.Name}) does not think; send no \"think\", or load a model that thinks.");
            case (false, { Off: null }):
                throw new ChatRequestException(
                    $"This model ({model.Name}) cannot be told not to think. Send no \"think\", or a smaller \"max_reasoning_tokens\".");
        }

        bool off = (request.Think ?? (mode.ThinkingSystemPrompt is not null ? true : generation.Think)) == false && model.Thinking is { Off: not null };

        // A model told not to think may think all the same: the budget holds for it too.
        return (off, model.Thinking is null ? null : request.MaxReasoningTokens ?? generation.MaxReasoningTokens);
    }

    /// <summary>Room kept for the answer when fitting history: all of it for short answers, at most a quarter of the context.</summary>
    public static int AnswerRoom(int maxTokens, int contextSize) => Math.Min(maxTokens, contextSize / 4);

    /// <summary>
    /// Refuses a message that cannot fit however it tokenizes: more bytes than the room left for the prompt could hold
    /// at the vocabulary's longest token. Counting bytes is cheap; reading such a message (mode cues, the tokenizer)
    /// costs far more than the refusal is worth.
    /// </summary>
    public static void RefuseUnfittable(IChatModel model, string message, int answerRoom)
    {
        int room = model.ContextSize - answerRoom;
        long bytes = Encoding.UTF8.GetByteCount(message);
        if (bytes > (long)room * model.LongestTokenBytes)
        {
            throw new ChatRequestException(
                $"The message is too long for this model: its {bytes} bytes of text need more than the {room} tokens of the context's {model.ContextSize} that are left for it once the answer has room.");
        }
    }

    /// <summary>The functions the model is offered: none when the client says none, only the one it names when it names one.</summary>
    public static IReadOnlyList<AIFunctionDeclaration> Tools(ChatRequest request) => OfferedTools.Of(request.Tools, request.ToolMode);

    /// <summary>Refuses tools, or a conversation with calls in it, for a model that cannot call tools.</summary>
    public static void RefuseTools(IChatModel model, ChatRequest request)
    {
        if (!model.CanCallTools && (Tools(request).Count > 0 || (request.History ?? []).Any(ChatPromptBuilder.HasToolCalls)))
        {
            throw new ChatRequestException(new ToolCallsUnsupportedException(model.Name).Message);
        }
    }
}
