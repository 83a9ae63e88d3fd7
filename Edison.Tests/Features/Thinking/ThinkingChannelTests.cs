using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Edison.Tests.TestSupport;

namespace Edison.Tests.Features.Thinking;

/// <summary>
/// A model that thinks, in each way its GGUF can say so (it opens &lt;think&gt; itself, its template does, or it writes
/// harmony's channels): the thinking is a channel of its own on every transport, and never answer text.
/// </summary>
public sealed class ThinkingChannelTests
{
    public static TheoryData<string> ThinkingModels => new() { nameof(TestModels.Thinking), nameof(TestModels.ThinkingOpened), nameof(TestModels.ThinkingHarmony) };

    [Theory]
    [MemberData(nameof(ThinkingModels))]
    public async Task The_stream_sends_the_thinking_as_reasoning_events_before_the_answer_and_the_done_carries_both(string model)
    {
        await using var edison = new EdisonFactory(PathOf(model));
        var client = await edison.CreateReadyClientAsync();

        var response = await client.PostAsync("/chat/stream", Sse.Json(new { message = "What is the capital of France?" }));
        var events = await Sse.ParseAsync(await response.Content.ReadAsStreamAsync());

        var reasoning = events.Where(e => e.EventType == "reasoning").ToList();
        var tokens = events.Where(e => e.EventType == "token").ToList();
        var done = Sse.Data(Assert.Single(events, e => e.EventType == "done"));
        // The pieces make up the thinking exactly as done carries it, without the white space around its markup.
        Assert.Equal(TestModels.Thought, string.Concat(reasoning.Select(e => Sse.Data(e).GetProperty("r").GetString())));
        Assert.Equal(TestModels.ThoughtAnswer, string.Concat(tokens.Select(Sse.TokenText)));
        Assert.True(events.IndexOf(reasoning[^1]) < events.IndexOf(tokens[0]), "the thinking comes before the answer");
        Assert.All(reasoning, e => Assert.False(Sse.Data(e).TryGetProperty("t", out _), "a reasoning event carries no answer text"));
        Assert.Equal(TestModels.ThoughtAnswer, done.GetProperty("response").GetString());
        Assert.Equal(TestModels.Thought, done.GetProperty("reasoning").GetString());
        Assert.InRange(done.GetProperty("usage").GetProperty("reasoning_tokens").GetInt32(), 5, done.GetProperty("usage").GetProperty("completion_tokens").GetInt32() - 3);
    }

    [Theory]
    [MemberData(nameof(ThinkingModels))]
    public async Task The_whole_answer_and_v1_keep_the_thinking_apart(string model)
    {
        await using var edison = new EdisonFactory(PathOf(model));
        var client = await edison.CreateReadyClientAsync();

        var whole = await (await client.PostAsync("/chat", Sse.Json(new { message = "What is the capital of France?" }))).Content.ReadFromJsonAsync<JsonElement>();
        var completion = await (await client.PostAsync("/v1/chat/completions", Sse.Json(new
        {
            messages = new[] { new { role = "user", content = "What is the capital of France?" } },
        }))).Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(TestModels.ThoughtAnswer, whole.GetProperty("response").GetString());
        Assert.Equal(TestModels.Thought, whole.GetProperty("reasoning").GetString());
        var message = completion.GetProperty("choices")[0].GetProperty("message");
        Assert.Equal(TestModels.ThoughtAnswer, message.GetProperty("content").GetString());
        Assert.Equal(TestModels.Thought, message.GetProperty("reasoning_content").GetString());
        Assert.True(completion.GetProperty("usage").GetProperty("completion_tokens_details").GetProperty("reasoning_tokens").GetInt32() > 5);
    }

    [Theory]
    [MemberData(nameof(ThinkingModels))]
    public async Task V1_streams_the_thinking_as_reasoning_content_deltas(string model)
    {
        await using var edison = new EdisonFactory(PathOf(model));
        var client = await edison.CreateReadyClientAsync();

        var response = await client.PostAsync("/v1/chat/completions", Sse.Json(new
        {
            stream = true,
            messages = new[] { new { role = "user", content = "What is the capital of France?" } },
        }));
        var deltas = (await response.Content.ReadAsStringAsync())
            .Split("\n\n")
            .Where(frame => frame.StartsWith("data: {", StringComparison.Ordinal))
            .Select(frame => JsonDocument.Parse(frame["data: ".Length..]).RootElement.GetProperty("choices"))
            .Where(choices => choices.GetArrayLength() > 0)
            .Select(choices => choices[0].GetProperty("delta"))
            .ToList();

        var thinking = new StringBuilder();
        var content = new StringBuilder();
        foreach (var delta in deltas)
        {
            thinking.Append(delta.TryGetProperty("reasoning_content", out var r) ? r.GetString() : null);
            content.Append(delta.TryGetProperty("content", out var c) ? c.GetString() : null);
        }

        Assert.Equal(TestModels.Thought, thinking.ToString());
        Assert.Equal(TestModels.ThoughtAnswer, content.ToString());
    }

    [Fact]
    public async Task A_model_that_does_not_think_sends_no_reasoning_and_no_reasoning_fields()
    {
        await using var edison = new EdisonFactory(TestModels.Greeting);
        var client = await edison.CreateReadyClientAsync();

        var body = await (await client.PostAsync("/chat/stream", Sse.Json(new { message = "hi" }))).Content.ReadAsStringAsync();
        var completion = await (await client.PostAsync("/v1/chat/completions", Sse.Json(new { messages = new[] { new { role = "user", content = "hi" } } })))
            .Content.ReadAsStringAsync();

        Assert.DoesNotContain("reasoning", body);
        Assert.DoesNotContain("reasoning", completion);
    }

    internal static string PathOf(string model) => model switch
    {
        nameof(TestModels.Thinking) => TestModels.Thinking,
        nameof(TestModels.ThinkingOpened) => TestModels.ThinkingOpened,
        _ => TestModels.ThinkingHarmony,
    };
}
