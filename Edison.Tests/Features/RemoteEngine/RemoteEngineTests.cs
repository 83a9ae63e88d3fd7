using System.Net.Http.Json;
using System.Text.Json;
using Edison.Tests.TestSupport;

namespace Edison.Tests.Features.RemoteEngine;

/// <summary>Edison with a remote engine: another Edison's OpenAI-compatible endpoint on loopback writes the answers.</summary>
public sealed class RemoteEngineTests(RemoteEngineTests.Host host) : IClassFixture<RemoteEngineTests.Host>
{
    private readonly EdisonFactory _inference = host.Inference;
    private readonly EdisonFactory _front = host.Front;
    private readonly HttpClient _client = host.Client;

    /// <summary>Both Edisons for every test: none of them reads what another wrote.</summary>
    public sealed class Host : IAsyncLifetime
    {
        public EdisonFactory Inference { get; } = new(TestModels.Story);

        public EdisonFactory Front { get; private set; } = null!;

        public HttpClient Client { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            var inference = await Inference.StartOnSocketAsync();
            Front = EdisonFactory.InFrontOf(inference, "story-on-the-other-edison");
            Client = await Front.CreateReadyClientAsync();
        }

        public async Task DisposeAsync()
        {
            await Front.DisposeAsync();
            await Inference.DisposeAsync();
        }
    }

    [Fact]
    public async Task The_stream_comes_token_by_token_from_the_other_Edison_and_is_stored_here()
    {
        var response = await _client.PostAsync("/chat/stream", Sse.Json(new { message = "Tell me a story", mode = "chat" }));
        var events = await Sse.ParseAsync(await response.Content.ReadAsStreamAsync());

        var tokens = events.Where(e => e.EventType == "token").Select(Sse.TokenText).ToList();
        Assert.True(tokens.Count > 5, $"expected the answer in pieces, got {tokens.Count}");
        Assert.Equal(TestModels.StoryAnswer, string.Concat(tokens));
        var done = Sse.Data(events[^1]);
        Assert.True(done.GetProperty("ok").GetBoolean());
        Assert.Equal("chat", done.GetProperty("mode_used").GetString());

        var id = done.GetProperty("conversation_id").GetString();
        var stored = await _client.GetFromJsonAsync<JsonElement>($"/api/conversations/{id}");
        Assert.Equal(TestModels.StoryAnswer, stored.GetProperty("messages")[1].GetProperty("content").GetString());
        var inferenceSide = await (await _inference.CreateReadyClientAsync()).GetStringAsync("/api/conversations");
        Assert.Equal("[]", inferenceSide);
    }

    [Fact]
    public async Task Health_and_the_models_list_name_the_remote_model_and_nothing_is_loaded_here()
    {
        var health = await _client.GetFromJsonAsync<JsonElement>("/health");
        var models = await _client.GetFromJsonAsync<JsonElement>("/v1/models");

        Assert.Equal("ready", health.GetProperty("status").GetString());
        Assert.Equal("story-on-the-other-edison", health.GetProperty("model").GetString());
        Assert.False(health.GetProperty("demo").GetBoolean());
        Assert.Equal("story-on-the-other-edison", models.GetProperty("data")[0].GetProperty("id").GetString());
        Assert.False(Directory.Exists(Path.Combine(_front.DataPath, "models")), "no demo model was written");
    }

    [Fact]
    public async Task A_length_limit_reaches_the_remote_engine_and_comes_back_as_length()
    {
        var response = await _client.PostAsync("/v1/chat/completions", Sse.Json(new
        {
            max_tokens = 3,
            messages = new[] { new { role = "user", content = "Tell me a story" } },
        }));
        var completion = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal("length", completion.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.Equal(3, completion.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        var text = completion.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!;
        Assert.True(text.Length > 0 && text.Length < TestModels.StoryAnswer.Length && TestModels.StoryAnswer.StartsWith(text, StringComparison.Ordinal), text);
    }
}
