using Edison.Core.Inference.Prompts;
using Microsoft.Extensions.AI;

namespace Edison.Core.Inference.Clients;

/// <summary>
/// Chat options that carry the prompt Edison built (fitted to the context, formatted for one model), so that the local
/// client reads it as built instead of formatting the messages again; any other client reads the messages.
/// </summary>
public sealed class PromptedChatOptions : ChatOptions
{
    public PromptedChatOptions(ChatPrompt prompt) => Prompt = prompt;

    private PromptedChatOptions(PromptedChatOptions other)
        : base(other) => (Prompt, MaxReasoningTokens) = (other.Prompt, other.MaxReasoningTokens);

    public ChatPrompt Prompt { get; }

    /// <summary>How many tokens a thinking model may think before Edison closes its thinking for it; null for no limit.</summary>
    public int? MaxReasoningTokens { get; init; }

    public override ChatOptions Clone() => new PromptedChatOptions(this);
}
