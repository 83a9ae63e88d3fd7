using System.Text;
using Edison.Core.Gguf;
using Edison.Tests.TestSupport;
using LLama;
using LLama.Common;
using LLama.Sampling;

namespace Edison.Tests.Core.ModelFiles;

/// <summary>The project's own GGUF writer, checked with LLamaSharp's own executor rather than Edison's engine.</summary>
public sealed class ScriptedModelWriterTests
{
    [Fact]
    public async Task A_written_model_loads_in_LLamaSharp_and_greedily_writes_its_script()
    {
        var text = await GenerateAsync(TestModels.Story, "User: tell me a story\nAssistant:", maxTokens: 200);

        Assert.Equal(TestModels.StoryAnswer, text.TrimStart());
    }

    [Fact]
    public async Task Greedy_generation_is_the_same_on_every_run()
    {
        var first = await GenerateAsync(TestModels.Greeting, "User: hi\nAssistant:", maxTokens: 50);
        var second = await GenerateAsync(TestModels.Greeting, "User: something else\nAssistant:", maxTokens: 50);

        Assert.Equal(TestModels.GreetingAnswer, first);
        Assert.Equal(first, second);
    }

    [Fact]
    public async Task A_repeating_model_keeps_writing_until_the_token_limit()
    {
        var text = await GenerateAsync(TestModels.Endless, "User: go\nAssistant:", maxTokens: 40);

        Assert.StartsWith("and on and on it went", text.TrimStart());
        Assert.True(text.Length > 3 * "and on and on it went".Length, $"only wrote \"{text}\"");
    }

    [Fact]
    public void The_chat_template_is_stored_in_the_metadata()
    {
        using var withTemplate = LLamaWeights.LoadFromFile(new ModelParams(TestModels.Greeting) { ContextSize = 256 });
        using var without = LLamaWeights.LoadFromFile(new ModelParams(TestModels.Story) { ContextSize = 256 });

        Assert.Contains("<|im_start|>", withTemplate.Metadata["tokenizer.chat_template"]);
        Assert.False(without.Metadata.ContainsKey("tokenizer.chat_template"));
    }

    [Fact]
    public void A_script_that_cannot_be_cut_into_unique_tokens_is_refused()
    {
        var spec = new ScriptedModelSpec("bad", "go go go");

        var error = Assert.Throws<ArgumentException>(() => ScriptedModelWriter.Build(spec));
        Assert.Contains("unique tokens", error.Message);
    }

    private static async Task<string> GenerateAsync(string modelPath, string prompt, int maxTokens)
    {
        var parameters = new ModelParams(modelPath) { ContextSize = 512, Threads = 2 };
        using var weights = LLamaWeights.LoadFromFile(parameters);
        var executor = new StatelessExecutor(weights, parameters);
        var text = new StringBuilder();
        var inference = new InferenceParams { MaxTokens = maxTokens, SamplingPipeline = new GreedySamplingPipeline() };
        await foreach (var piece in executor.InferAsync(prompt, inference))
        {
            text.Append(piece);
        }

        return text.ToString();
    }
}
