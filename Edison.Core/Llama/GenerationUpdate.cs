namespace Edison.Core.Llama;

/// <summary>
/// What a generation streams: pieces of text, then one last update with its <see cref="GenerationUsage"/> (and no
/// text) when it ends by itself; a stopped or failed generation ends without one.
/// </summary>
public readonly record struct GenerationUpdate(string Text, GenerationUsage? Usage = null);

/// <summary>How a generation went.</summary>
/// <param name="PromptTokens">Positions the prompt takes in the context.</param>
/// <param name="CachedTokens">Of those, how many were already in the KV cache from an earlier answer (the prompt cache) and not read again.</param>
/// <param name="CompletionTokens">Tokens written.</param>
/// <param name="CutOff">True when max tokens or the context ended the answer, not the model or a stop string.</param>
public sealed record GenerationUsage(int PromptTokens, int CachedTokens, int CompletionTokens, bool CutOff);
