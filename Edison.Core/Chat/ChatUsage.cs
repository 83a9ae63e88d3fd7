using System.Text.Json.Serialization;
using Microsoft.Extensions.AI;

namespace Edison.Core.Chat;

/// <summary>What an answer took, on Edison's wire (the done event, <c>/chat</c>): <c>{"prompt_tokens","cached_tokens","completion_tokens"}</c>.</summary>
/// <param name="CachedTokens">Prompt tokens found in the prompt cache, not read again.</param>
/// <param name="ReasoningTokens">Of the completion tokens, those a thinking model thought in; absent for a model that does not think.</param>
public sealed record ChatUsage(
    int PromptTokens,
    int CachedTokens,
    int CompletionTokens,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? ReasoningTokens = null)
{
    /// <summary>The counts a chat client reported; null when it reported none.</summary>
    public static ChatUsage? From(UsageDetails? details) => details is null
        ? null
        : new((int)(details.InputTokenCount ?? 0), (int)(details.CachedInputTokenCount ?? 0), (int)(details.OutputTokenCount ?? 0), (int?)details.ReasoningTokenCount);
}
