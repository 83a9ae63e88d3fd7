using System.Net.Http.Json;
using System.Text.Json;
using Edison.Tests.TestSupport;

namespace Edison.Tests.Features.RemoteEngine;

/// <summary>
/// A remote engine whose model thinks (another Edison on a thinking model, which sends <c>reasoning_content</c> as
/// llama-server, vLLM and DeepSeek do): its thinking is thinking here too, on every transport and in the store.
/// </summary>
public sealed class RemoteThinkingTests : IAsyncLifetime
{
    private readonly EdisonFactory _inference = new(TestModels.Thinking);
    private EdisonFactory _front = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        var inference = await _inference.StartOnSocketAsync();
        _front = EdisonFactory.InFrontOf(inference, "thinking-on-the-other-edison");
        _client = await _front.CreateReadyClientAsync();
    }

    public async Task DisposeAsync()
    {
        await _front.DisposeAsync();
        await _inference.DisposeAsync();
    }

    [Fact]
    public async Task The_remote_thinking_streams_as_reasoning_and_is_stored_apart_from_the_answer()
    {
        var response = await _client.PostAsync("/chat/stream", Sse.Json(new { message = "What is the capital of France?", mode = "chat" }));
        var events = await Sse.ParseAsync(await response.Content.ReadAsStreamAsync());

        var reasoning = events.Where(e => e.EventType == "reasoning").Select(e => Sse.Data(e).GetProperty("r").GetString()).ToList();
        var done = Sse.Data(Assert.Single(events, e => e.EventType == "done"));
        Assert.Equal(TestModels.Thought, string.Concat(reasoning));
        Assert.Equal(TestModels.ThoughtAnswer, string.Concat(events.Where(e => e.EventType == "token").Select(Sse.TokenText)));
        Assert.Equal(TestModels.ThoughtAnswer, done.GetProperty("response").GetString());
        Assert.Equal(TestModels.Thought, done.GetProperty("reasoning").GetString());

        var stored = await _client.GetFromJsonAsync<JsonElement>($"/api/conversations/{done.GetProperty("conversation_id").GetString()}");
        var answer = stored.GetProperty("messages")[1];
        Assert.Equal(TestModels.ThoughtAnswer, answer.GetProperty("content").GetString());
        Assert.Equal(TestModels.Thought, answer.GetProperty("details").GetProperty("reasoning").GetString());
    }

    [Fact]
    public async Task V1_passes_the_remote_thinking_on_as_reasoning_content()
    {
        var completion = await (await _client.PostAsync("/v1/chat/completions", Sse.Json(new
        {
            messages = new[] { new { role = "user", content = "What is the capital of France?" } },
        }))).Content.ReadFromJsonAsync<JsonElement>();

        var message = completion.GetProperty("choices")[0].GetProperty("message");
        Assert.Equal(TestModels.ThoughtAnswer, message.GetProperty("content").GetString());
        Assert.Equal(TestModels.Thought, message.GetProperty("reasoning_content").GetString());
    }
}
