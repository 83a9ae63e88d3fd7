using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text;
using Edison.Core.Inference.Models;
using Edison.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Edison.Tests.Features.Thinking;

/// <summary>
/// The next turn reads a thinking answer without its thinking, where the model's cells hold both; the cells are
/// rewritten once the answer ends, so the follow-up reads only the new message and its markup, as after any answer.
/// </summary>
public sealed class ThinkingPromptCacheTests
{
    /// <summary>
    /// A thinking model, whether it thinks, and what its format writes from the end of an answer to the start of the
    /// next (ChatML's turns and what the generation prompt says of thinking; harmony's messages as llama.cpp writes
    /// them), around the follow-up <c>{0}</c>.
    /// </summary>
    public static TheoryData<string, bool, string> Conversations => new()
    {
        { nameof(TestModels.Thinking), true, "<|im_end|>\n<|im_start|>user\n{0}<|im_end|>\n<|im_start|>assistant\n" },
        { nameof(TestModels.ThinkingOpened), true, "<|im_end|>\n<|im_start|>user\n{0}<|im_end|>\n<|im_start|>assistant\n<think>\n" },
        { nameof(TestModels.Thinking), false, "<|im_end|>\n<|im_start|>user\n{0}<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n" },
        { nameof(TestModels.ThinkingHarmony), true, "<|return|><|start|>user<|message|>{0}<|end|><|start|>assistant" },
    };

    [Theory]
    [MemberData(nameof(Conversations))]
    public async Task A_follow_up_after_a_thinking_answer_reads_only_what_is_new(string model, bool think, string newTurn)
    {
        await using var edison = new EdisonFactory(ThinkingChannelTests.PathOf(model));
        var client = await edison.CreateReadyClientAsync();
        var id = Guid.NewGuid();
        const string followUp = "And of Italy?";

        var first = await AskAsync(client, "What is the capital of France?", id, think);
        var second = await AskAsync(client, followUp, id, think);

        // What is new: the first answer's end, the follow-up's turn and the generation prompt. The answer before it
        // was in the cells, read without its thinking as the follow-up reads it.
        var loaded = await edison.Services.GetRequiredService<ModelHost>().WhenReadyAsync(CancellationToken.None);
        int newTokens = loaded.Weights.Tokenize(string.Format(CultureInfo.InvariantCulture, newTurn, followUp), add_bos: false, special: true, Encoding.UTF8).Length;
        var usage = second.GetProperty("usage");
        int read = usage.GetProperty("prompt_tokens").GetInt32() - usage.GetProperty("cached_tokens").GetInt32();
        Assert.Equal(TestModels.ThoughtAnswer, first.GetProperty("response").GetString());
        Assert.True(!think || first.TryGetProperty("reasoning", out _), "the first answer was thought about");
        Assert.True(read <= newTokens, $"the follow-up read {read} of its {usage.GetProperty("prompt_tokens").GetInt32()} tokens; {newTokens} are new");
    }

    private static async Task<JsonElement> AskAsync(HttpClient client, string message, Guid conversation, bool think)
    {
        var response = await client.PostAsync("/chat", Sse.Json(new { message, conversation_id = conversation, think, temperature = 0, mode = "chat" }));
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
