using Edison.Core.Inference.Engine;
using Edison.Core.Modes;
using Microsoft.Extensions.Options;

namespace Edison.Core.Chat;

/// <summary>What a caller that leaves the numbers out gets: what a chat-mode request would.</summary>
internal sealed class ChatGenerationDefaults(IOptions<GenerationOptions> options) : IGenerationDefaults
{
    public Sampling SamplingFor(float? temperature, float? topP, long? seed) => options.Value.SamplingFor(ChatMode.Chat, temperature, topP, seed);

    public int MaxTokensFor(int? requested, int contextSize) => options.Value.MaxTokensFor(requested, contextSize);
}
