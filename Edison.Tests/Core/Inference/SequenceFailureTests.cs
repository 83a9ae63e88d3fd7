using System.Text;
using Edison.Core.Inference.Engine;
using Edison.Core.Inference.Prompts;
using Edison.Tests.TestSupport;
using LLama.Native;
using LLama.Sampling;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.AI;

namespace Edison.Tests.Core.Inference;

/// <summary>One answer's failure is its own: the others in the same batches go on to their end.</summary>
public sealed class SequenceFailureTests
{
    private const uint FailsAtStart = 13;
    private const uint FailsWhileRunning = 7;
    private const int TokensBeforeFailing = 5;

    [Fact]
    public async Task A_failure_while_starting_or_running_one_of_four_answers_fails_that_one_alone()
    {
        await using var inference = await LayerHost.InferenceAsync(
            TestModels.Endless,
            contextSize: 4096,
            services: services => services.AddSingleton<ISamplerFactory, FailingSamplers>());
        var engine = inference.Engine;

        var outcomes = await Task.WhenAll(new uint[] { 1, FailsWhileRunning, FailsAtStart, 2 }.Select(seed => Task.Run(() => RunAsync(engine, seed))));

        Assert.Equal(200, outcomes[0].Pieces);
        Assert.Null(outcomes[0].Error);
        Assert.Equal(TokensBeforeFailing, outcomes[1].Pieces);
        Assert.Contains("sampler broke", outcomes[1].Error);
        Assert.Equal(0, outcomes[2].Pieces);
        Assert.Contains("no sampler", outcomes[2].Error);
        Assert.Equal(200, outcomes[3].Pieces);
        Assert.Null(outcomes[3].Error);
        Assert.Equal(outcomes[0].Text, outcomes[3].Text);
        Assert.Equal(0, engine.ActiveGenerations);
        Assert.Equal(200, (await RunAsync(engine, 3)).Pieces);
    }

    private static async Task<(int Pieces, string Text, string? Error)> RunAsync(IGenerationEngine engine, uint seed)
    {
        var text = new StringBuilder();
        int pieces = 0;
        try
        {
            await foreach (var piece in engine.GenerateAsync(new GenerationRequest(PromptText.Content("User: go\nAssistant:"), 200, 0f, 1f, seed, []), CancellationToken.None))
            {
                pieces += piece.Contents.OfType<UsageContent>().Any() ? 0 : 1;
                text.Append(piece.Text);
            }

            return (pieces, text.ToString(), null);
        }
        catch (InvalidOperationException e)
        {
            return (pieces, text.ToString(), e.Message);
        }
    }

    /// <summary>Real samplers, except for two seeds: one cannot get a sampler at all, one whose sampler breaks.</summary>
    private sealed class FailingSamplers : ISamplerFactory
    {
        private readonly SamplerFactory _real = new();

        public ISamplingPipeline Create(GenerationRequest request) => request.Seed switch
        {
            FailsAtStart => throw new InvalidOperationException("no sampler for this one"),
            FailsWhileRunning => new BreaksAfter(_real.Create(request), TokensBeforeFailing),
            _ => _real.Create(request),
        };
    }

    private sealed class BreaksAfter(ISamplingPipeline inner, int tokens) : ISamplingPipeline
    {
        private int _sampled;

        public LLamaToken Sample(SafeLLamaContextHandle ctx, int index) =>
            _sampled++ < tokens ? inner.Sample(ctx, index) : throw new InvalidOperationException("the sampler broke");

        public void Apply(SafeLLamaContextHandle ctx, LLamaTokenDataArray data) => inner.Apply(ctx, data);

        public void Reset() => inner.Reset();

        public void Accept(LLamaToken token) => inner.Accept(token);

        public void Dispose() => inner.Dispose();
    }
}
