using System.Text.Json.Serialization;

namespace Edison.Core.Inference.Engine;

/// <summary>What an answer took: on the wire (the done event, <c>/chat</c>) as <c>{"prompt_tokens","cached_tokens","completion_tokens"}</c>.</summary>
/// <param name="CachedTokens">Prompt tokens found in the prompt cache, not read again.</param>
/// <param name="CutOff">True when the length limit, not the model, ended the answer.</param>
public sealed record ChatUsage(int PromptTokens, int CachedTokens, int CompletionTokens, [property: JsonIgnore] bool CutOff);
