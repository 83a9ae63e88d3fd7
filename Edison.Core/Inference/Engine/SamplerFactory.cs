using LLama.Sampling;

namespace Edison.Core.Inference.Engine;

/// <summary>Makes the sampler of one generation from its settings; the engine asks for one per sequence.</summary>
public interface ISamplerFactory
{
    ISamplingPipeline Create(GenerationRequest request);
}

/// <summary>
/// Greedy at temperature 0, llama.cpp's default chain (temperature, top-p, seed) otherwise; held to the request's
/// grammar when it has one.
/// </summary>
public sealed class SamplerFactory : ISamplerFactory
{
    public ISamplingPipeline Create(GenerationRequest request) =>
        request.Grammar is { } grammar ? new ConstrainedSamplingPipeline(Chain(request), grammar) : Chain(request);

    private static BaseSamplingPipeline Chain(GenerationRequest request) =>
        request.Temperature <= 0
            ? new GreedySamplingPipeline()
            : new DefaultSamplingPipeline { Temperature = request.Temperature, TopP = request.TopP, Seed = request.Seed };
}
