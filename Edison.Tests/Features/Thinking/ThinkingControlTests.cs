using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Edison.Core.Chat;
using Edison.Core.Modes;
using Edison.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Edison.Tests.Features.Thinking;

/// <summary>Thinking can be turned off where the model allows it, refused clearly where it does not, and kept to a budget.</summary>
public sealed class ThinkingControlTests
{
    [Fact]
    public async Task Think_false_asks_a_Qwen3_style_model_with_its_own_empty_think_block()
    {
        await using var edison = new EdisonFactory(TestModels.Thinking);
        var client = await edison.CreateReadyClientAsync();
        var turns = edison.Services.GetRequiredService<TurnPreparation>();

        var off = await turns.PrepareAsync(new ChatRequest("hi") { Think = false }, AnswerOwner.Client, CancellationToken.None);
        var own = await turns.PrepareAsync(new ChatRequest("hi"), AnswerOwner.Client, CancellationToken.None);
        var response = await client.PostAsync("/chat", Sse.Json(new { message = "hi", think = false }));

        Assert.EndsWith("<|im_start|>assistant\n<think>\n\n</think>\n\n", off.Prompt.Text);
        Assert.EndsWith("<|im_start|>assistant\n", own.Prompt.Text);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_switch_the_model_cannot_honour_is_a_clear_400_on_every_transport()
    {
        await using var opened = new EdisonFactory(TestModels.ThinkingOpened);
        await using var plain = new EdisonFactory(TestModels.Greeting);
        var thinks = await opened.CreateReadyClientAsync();
        var doesNot = await plain.CreateReadyClientAsync();

        var cannotStop = await thinks.PostAsync("/chat/stream", Sse.Json(new { message = "hi", think = false }));
        var effortNone = await thinks.PostAsync("/v1/chat/completions", Sse.Json(new { messages = new[] { new { role = "user", content = "hi" } }, reasoning_effort = "none" }));
        var cannotThink = await doesNot.PostAsync("/chat", Sse.Json(new { message = "hi", think = true }));
        var badEffort = await doesNot.PostAsync("/v1/chat/completions", Sse.Json(new { messages = new[] { new { role = "user", content = "hi" } }, reasoning_effort = "ultra" }));
        var badBudget = await thinks.PostAsync("/chat", Sse.Json(new { message = "hi", max_reasoning_tokens = 0 }));

        Assert.Equal(HttpStatusCode.BadRequest, cannotStop.StatusCode);
        Assert.Contains("cannot be told not to think", (await cannotStop.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, effortNone.StatusCode);
        Assert.Contains("cannot be told not to think", (await effortNone.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("message").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, cannotThink.StatusCode);
        Assert.Contains("does not think", (await cannotThink.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, badEffort.StatusCode);
        Assert.Contains("\"reasoning_effort\" must be one of", (await badEffort.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("message").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, badBudget.StatusCode);
    }

    /// <summary>The budget counts the thinking's tokens and its markup: harmony's opening ends in a token of its own.</summary>
    [Theory]
    [InlineData(nameof(TestModels.ThinkingOpened), "The user asks")]
    [InlineData(nameof(TestModels.ThinkingHarmony), "The user")]
    public async Task Past_its_budget_the_thinking_is_closed_for_the_model_and_the_answer_is_still_written(string model, string cutShort)
    {
        await using var edison = new EdisonFactory(ThinkingChannelTests.PathOf(model));
        var client = await edison.CreateReadyClientAsync();

        var done = await (await client.PostAsync("/chat", Sse.Json(new { message = "What is the capital of France?", max_reasoning_tokens = 3 })))
            .Content.ReadFromJsonAsync<JsonElement>();

        var thought = done.GetProperty("reasoning").GetString()!;
        Assert.Equal(cutShort, thought);
        Assert.True(thought.Length < TestModels.Thought.Length / 2, $"the thinking was cut short: \"{thought}\"");
        Assert.Equal(TestModels.ThoughtAnswer, done.GetProperty("response").GetString());
        // The budget's tokens, and the one close Edison wrote.
        Assert.InRange(done.GetProperty("usage").GetProperty("reasoning_tokens").GetInt32(), 3, 3 + 1);
    }

    [Fact]
    public async Task The_budget_setting_holds_when_a_request_names_none()
    {
        await using var edison = new EdisonFactory(
            TestModels.Thinking, settings: new Dictionary<string, string?> { ["Edison:Generation:MaxReasoningTokens"] = "4" });
        var client = await edison.CreateReadyClientAsync();

        var done = await (await client.PostAsync("/chat", Sse.Json(new { message = "What is the capital of France?" }))).Content.ReadFromJsonAsync<JsonElement>();

        Assert.NotEqual(TestModels.Thought, done.GetProperty("reasoning").GetString());
        Assert.Equal(TestModels.ThoughtAnswer, done.GetProperty("response").GetString());
    }

    /// <summary>
    /// <c>max_tokens</c> counts the answer's tokens alone: not the thinking, nor the markup around it (harmony's final
    /// channel is opened in tokens of its own), and no markup is ever the answer however short the limit.
    /// </summary>
    [Theory]
    [MemberData(nameof(ThinkingChannelTests.ThinkingModels), MemberType = typeof(ThinkingChannelTests))]
    public async Task Max_tokens_is_the_answers_own_and_does_not_count_the_thinking(string model)
    {
        await using var edison = new EdisonFactory(ThinkingChannelTests.PathOf(model));
        var client = await edison.CreateReadyClientAsync();

        var whole = await AskAsync(client, maxTokens: 4);
        var cut = await Task.WhenAll(Enumerable.Range(1, 3).Select(limit => AskAsync(client, limit)));

        Assert.Equal(TestModels.ThoughtAnswer, whole.GetProperty("response").GetString());
        Assert.True(whole.GetProperty("usage").GetProperty("completion_tokens").GetInt32() > 4, "the thinking's tokens came on top");
        Assert.All(cut, done =>
        {
            var answer = done.GetProperty("response").GetString()!;
            Assert.True(answer.Length > 0 && TestModels.ThoughtAnswer.StartsWith(answer, StringComparison.Ordinal), $"\"{answer}\" is not the start of the answer");
            Assert.Equal(TestModels.Thought, done.GetProperty("reasoning").GetString());
            Assert.Equal("length", done.GetProperty("finish_reason").GetString());
        });

        static async Task<JsonElement> AskAsync(HttpClient client, int maxTokens) =>
            await (await client.PostAsync("/chat", Sse.Json(new { message = "What is the capital of France?", max_tokens = maxTokens })))
                .Content.ReadFromJsonAsync<JsonElement>();
    }

    [Fact]
    public async Task The_reasoning_mode_has_a_thinking_model_think_instead_of_asking_it_for_steps()
    {
        await using var edison = new EdisonFactory(
            TestModels.Thinking, settings: new Dictionary<string, string?> { ["Edison:Generation:Think"] = "false" });
        await edison.CreateReadyClientAsync();
        var turns = edison.Services.GetRequiredService<TurnPreparation>();

        var reasoning = await turns.PrepareAsync(new ChatRequest("prove it", Mode: "reasoning"), AnswerOwner.Client, CancellationToken.None);
        var chat = await turns.PrepareAsync(new ChatRequest("hi", Mode: "chat"), AnswerOwner.Client, CancellationToken.None);

        Assert.Contains(ChatMode.Reasoning.ThinkingSystemPrompt!, reasoning.Prompt.Text);
        Assert.DoesNotContain("step by step", reasoning.Prompt.Text);
        Assert.EndsWith("<|im_start|>assistant\n", reasoning.Prompt.Text);
        Assert.EndsWith("<think>\n\n</think>\n\n", chat.Prompt.Text);
    }

    [Fact]
    public async Task Thinking_opened_again_after_the_budget_is_spent_is_closed_at_once()
    {
        await using var edison = new EdisonFactory(TestModels.ThinkingEndless);
        var client = await edison.CreateReadyClientAsync();

        var done = await (await client.PostAsync("/chat", Sse.Json(new { message = "go", max_reasoning_tokens = 4, max_tokens = 5 })))
            .Content.ReadFromJsonAsync<JsonElement>();

        // Five answers of one token each, each after a thinking block the model opens and Edison closes: two tokens.
        Assert.Equal("length", done.GetProperty("finish_reason").GetString());
        Assert.InRange(done.GetProperty("usage").GetProperty("reasoning_tokens").GetInt32(), 4, 4 + 1 + 5 * 2);
    }

    [Fact]
    public async Task Thinking_a_client_kept_in_its_history_is_not_read_back()
    {
        await using var edison = new EdisonFactory(TestModels.Thinking);
        var client = await edison.CreateReadyClientAsync();

        async Task<int> PromptTokensAsync(string earlierAnswer)
        {
            var completion = await (await client.PostAsync("/v1/chat/completions", Sse.Json(new
            {
                max_tokens = 1,
                messages = new[]
                {
                    new { role = "user", content = "What is the capital of France?" },
                    new { role = "assistant", content = earlierAnswer },
                    new { role = "user", content = "And of Italy?" },
                },
            }))).Content.ReadFromJsonAsync<JsonElement>();
            return completion.GetProperty("usage").GetProperty("prompt_tokens").GetInt32();
        }

        int kept = await PromptTokensAsync($"<think>\n{string.Concat(Enumerable.Repeat("Long thoughts. ", 100))}\n</think>\n\n{TestModels.ThoughtAnswer}");
        int answerOnly = await PromptTokensAsync(TestModels.ThoughtAnswer);

        Assert.Equal(answerOnly, kept);
    }
}
