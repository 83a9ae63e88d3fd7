using Edison.Core.Chat;
using Edison.Core.Inference.Models;
using Edison.Core.Inference.Prompts;
using Edison.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Edison.Tests.Core.Inference;

/// <summary>Prompts built from the model's own chat template, or the plain fallback for models without one.</summary>
public sealed class ChatPromptBuilderTests
{
    private static readonly ChatPromptBuilder Builder = new();

    [Fact]
    public async Task A_model_with_a_chat_template_gets_its_own_format()
    {
        await using var inference = await LayerHost.InferenceAsync(TestModels.Greeting);
        var model = await LoadAsync(inference);

        var prompt = Builder.Build(model, "Be brief.", [new(ChatTurn.User, "hello"), new(ChatTurn.Assistant, "hi!")], "how are you?", 64);

        Assert.Equal(
            "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nhello<|im_end|>\n<|im_start|>assistant\nhi!<|im_end|>\n" +
            "<|im_start|>user\nhow are you?<|im_end|>\n<|im_start|>assistant\n",
            prompt.Text);
        Assert.Empty(prompt.StopStrings);
    }

    [Fact]
    public async Task A_model_without_a_template_gets_the_documented_fallback()
    {
        await using var inference = await LayerHost.InferenceAsync(TestModels.Story);
        var model = await LoadAsync(inference);

        var prompt = Builder.Build(model, "Be brief.", [new(ChatTurn.User, "hello"), new(ChatTurn.Assistant, "hi!")], "how are you?", 64);

        Assert.Equal("Be brief.\n\nUser: hello\nAssistant: hi!\nUser: how are you?\nAssistant:", prompt.Text);
        Assert.Equal(["\nUser:"], prompt.StopStrings);
    }

    [Fact]
    public async Task An_answer_to_continue_is_left_open_in_either_format_for_the_model_to_go_on()
    {
        await using var templated = await LayerHost.InferenceAsync(TestModels.Greeting);
        await using var plain = await LayerHost.InferenceAsync(TestModels.Story);

        var withTemplate = Builder.Build(await LoadAsync(templated), "Be brief.", [], "count to five", 64, answerSoFar: "One, two,");
        var withFallback = Builder.Build(await LoadAsync(plain), "Be brief.", [], "count to five", 64, answerSoFar: "One, two,");

        Assert.Equal(
            "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\ncount to five<|im_end|>\n<|im_start|>assistant\nOne, two,",
            withTemplate.Text);
        Assert.Equal("Be brief.\n\nUser: count to five\nAssistant: One, two,", withFallback.Text);
    }

    [Fact]
    public async Task History_that_does_not_fit_is_dropped_oldest_first()
    {
        await using var inference = await LayerHost.InferenceAsync(TestModels.Story, contextSize: 256);
        var model = await LoadAsync(inference);
        var history = new List<ChatTurn>();
        for (int i = 0; i < 10; i++)
        {
            history.Add(new(ChatTurn.User, $"question {i}"));
            history.Add(new(ChatTurn.Assistant, $"answer {i}"));
        }

        var prompt = Builder.Build(model, "sys", history, "newest", 64);

        Assert.True(prompt.Tokens <= 256 - 64);
        Assert.Contains("answer 9", prompt.Text);
        Assert.DoesNotContain("question 0", prompt.Text);
        Assert.StartsWith("sys\n\n", prompt.Text);
        Assert.EndsWith("User: newest\nAssistant:", prompt.Text);
    }

    [Fact]
    public async Task A_client_kept_history_of_odd_length_is_trimmed_too()
    {
        await using var inference = await LayerHost.InferenceAsync(TestModels.Story, contextSize: 256);
        var model = await LoadAsync(inference);
        // Three turns: dropping the first exchange still leaves a turn too long to keep.
        List<ChatTurn> history =
        [
            new(ChatTurn.User, "recent question"),
            new(ChatTurn.Assistant, "recent answer"),
            new(ChatTurn.Assistant, "Welcome! " + string.Concat(Enumerable.Repeat("hello there ", 60))),
        ];

        var prompt = Builder.Build(model, "sys", history, "newest", 64);

        Assert.True(prompt.Tokens <= 256 - 64);
        Assert.DoesNotContain("Welcome!", prompt.Text);
        Assert.EndsWith("User: newest\nAssistant:", prompt.Text);
    }

    [Fact]
    public async Task A_message_that_cannot_fit_even_alone_is_refused()
    {
        await using var inference = await LayerHost.InferenceAsync(TestModels.Story, contextSize: 256);
        var model = await LoadAsync(inference);

        var error = Assert.Throws<PromptTooLongException>(() => Builder.Build(model, "sys", [], new string('x', 400), 64));

        Assert.Contains("too long", error.Message);
        Assert.Contains("192 of the context's 256 are left for it", error.Message);
    }

    private static async Task<LoadedModel> LoadAsync(LayerHost inference)
    {
        return await inference.Services.GetRequiredService<ModelHost>().WhenReadyAsync(CancellationToken.None);
    }
}
