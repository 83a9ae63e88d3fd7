using Edison.Core.Inference.Engine;
using Edison.Tests.TestSupport;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Edison.Tests.Core.Inference;

/// <summary>The local model as the rest of Edison sees it, an <see cref="IChatClient"/>, with only the inference layer running.</summary>
public sealed class LocalChatClientTests
{
    [Fact]
    public async Task Messages_are_answered_as_text_pieces_and_one_last_update_with_the_finish_and_the_usage()
    {
        await using var inference = await LayerHost.InferenceAsync(
            TestModels.Greeting, services: services => services.AddSingleton<IGenerationDefaults, GreedyDefaults>());
        var client = inference.Services.GetRequiredService<IChatClient>();

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.System, "Be kind."), new ChatMessage(ChatRole.User, "hi")]))
        {
            updates.Add(update);
        }

        Assert.Equal(TestModels.GreetingAnswer, string.Concat(updates.Select(u => u.Text)).TrimStart());
        Assert.All(updates[..^1], update => Assert.IsType<TextContent>(Assert.Single(update.Contents)));
        Assert.Equal(ChatFinishReason.Stop, updates[^1].FinishReason);
        var usage = Assert.IsType<UsageContent>(Assert.Single(updates[^1].Contents)).Details;
        Assert.True(usage.InputTokenCount > 5, $"prompt tokens {usage.InputTokenCount}");
        // The emoji is four byte tokens and one piece of text: never half a character.
        Assert.Equal(updates.Count - 1 + 3, usage.OutputTokenCount);
        Assert.Single(updates.Select(u => u.ResponseId).Distinct());
    }

    [Fact]
    public async Task An_answer_the_length_limit_cuts_off_says_so()
    {
        await using var inference = await LayerHost.InferenceAsync(
            TestModels.Greeting, services: services => services.AddSingleton<IGenerationDefaults, GreedyDefaults>());
        var client = inference.Services.GetRequiredService<IChatClient>();

        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")], new ChatOptions { MaxOutputTokens = 2 });

        Assert.Equal(ChatFinishReason.Length, response.FinishReason);
        Assert.Equal(2, response.Usage?.OutputTokenCount);
        Assert.StartsWith(response.Text.TrimStart(), TestModels.GreetingAnswer);
    }

    /// <summary>What the chat layer would otherwise supply: greedy sampling, and the answer's limit as asked or a quarter of the context.</summary>
    private sealed class GreedyDefaults : IGenerationDefaults
    {
        public Sampling SamplingFor(float? temperature, float? topP, long? seed) => new(temperature ?? 0f, topP ?? 1f, (uint)(seed ?? 1));

        public int MaxTokensFor(int? requested, int contextSize) => requested ?? contextSize / 4;
    }
}
