using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Edison.Core.Chat;
using Edison.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Edison.Tests.Features.WebSearch;

/// <summary>Web search through a SearXNG-compatible server on loopback: sources shown, failures never fail the chat.</summary>
public sealed class WebSearchTests : IClassFixture<WebSearchTests.Host>
{
    private readonly FakeSearxng _searxng;
    private readonly EdisonFactory _edison;
    private readonly HttpClient _client;

    public WebSearchTests(Host host)
    {
        (_searxng, _edison, _client) = (host.Searxng, host.Edison, host.Client);
        _searxng.Reset();
    }

    /// <summary>
    /// One search server and one Edison for every test, memory off so that no test's answers come back as another's
    /// sources; each test starts with a search server that answers at once and has seen no query.
    /// </summary>
    public sealed class Host : IAsyncLifetime
    {
        public FakeSearxng Searxng { get; private set; } = null!;

        public EdisonFactory Edison { get; private set; } = null!;

        public HttpClient Client { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Searxng = await FakeSearxng.StartAsync();
            Searxng.Answers =
            [
                new { title = "Rust 1.99 released", url = "https://blog.example.org/rust-1-99", content = "The Rust team announces version 1.99 with faster builds.", engine = "ddg" },
                new { title = "What is new in Rust", url = "https://news.example.com/rust", content = "A summary of this week's release.", engine = "bing" },
                new { title = "Not a web page", url = "javascript:alert(1)", content = "should never be shown" },
            ];
            Edison = new EdisonFactory(TestModels.Story, settings: new Dictionary<string, string?>
            {
                ["Edison:Search:SearxngUrl"] = Searxng.Url,
                // Long enough for a first search on a busy machine (half a second was not, in CI), short for the slow test.
                ["Edison:Search:Timeout"] = "00:00:03",
                ["Edison:Memory:Enabled"] = "false",
            });
            Client = await Edison.CreateReadyClientAsync();
        }

        public async Task DisposeAsync()
        {
            await Edison.DisposeAsync();
            await Searxng.DisposeAsync();
        }
    }

    [Fact]
    public async Task Agent_mode_searches_and_the_answer_carries_its_sources()
    {
        var answer = await ChatAsync(new { message = "What changed in the Rust release?", mode = "agent" });

        Assert.Equal(["What changed in the Rust release?"], _searxng.Queries);
        var sources = answer.GetProperty("sources").EnumerateArray().ToList();
        Assert.Equal(["web", "web"], sources.Select(s => s.GetProperty("kind").GetString()));
        Assert.Equal(["Rust 1.99 released", "What is new in Rust"], sources.Select(s => s.GetProperty("title").GetString()));
        Assert.Equal(["https://blog.example.org/rust-1-99", "https://news.example.com/rust"], sources.Select(s => s.GetProperty("url").GetString()));
        Assert.Equal("The Rust team announces version 1.99 with faster builds.", sources[0].GetProperty("snippet").GetString());
        Assert.False(answer.TryGetProperty("notices", out _));
    }

    [Fact]
    public async Task The_results_are_in_the_prompt_the_model_reads()
    {
        var prepared = await _edison.Services.GetRequiredService<TurnPreparation>()
            .PrepareAsync(new ChatRequest("Search the web for the latest Rust release"), AnswerOwner.Client, CancellationToken.None);

        Assert.Equal("agent", prepared.Mode.Name);
        Assert.Contains("Rust 1.99 released (https://blog.example.org/rust-1-99): The Rust team announces version 1.99", prepared.Prompt.Text);
        Assert.DoesNotContain("javascript:", prepared.Prompt.Text);
    }

    [Fact]
    public async Task A_chat_message_that_asks_for_nothing_fresh_is_not_searched()
    {
        var answer = await ChatAsync(new { message = "Tell me a story about a brave mouse", mode = "chat" });

        Assert.Empty(_searxng.Queries);
        Assert.Empty(answer.GetProperty("sources").EnumerateArray());
    }

    [Fact]
    public async Task A_chat_message_asking_for_todays_news_is_searched_in_any_mode()
    {
        var answer = await ChatAsync(new { message = "What is the latest news about Rust?", mode = "chat" });

        Assert.Single(_searxng.Queries);
        Assert.Equal(2, answer.GetProperty("sources").GetArrayLength());
    }

    [Fact]
    public async Task A_search_that_times_out_does_not_fail_the_chat_and_says_so()
    {
        _searxng.Delay = TimeSpan.FromSeconds(10);
        var clock = Stopwatch.StartNew();

        var answer = await ChatAsync(new { message = "Look up the Rust release", mode = "agent" });

        // Well short of the 10 s the search would take: the chat gave up on it at its 3 s limit.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(8), $"took {clock.Elapsed}");
        Assert.Equal(TestModels.StoryAnswer, answer.GetProperty("response").GetString());
        Assert.Empty(answer.GetProperty("sources").EnumerateArray());
        Assert.Contains("did not answer within 3 s", Assert.Single(answer.GetProperty("notices").EnumerateArray()).GetString());
    }

    [Fact]
    public async Task A_search_server_error_does_not_fail_the_stream_and_says_so()
    {
        _searxng.Fails = true;

        var response = await _client.PostAsync("/chat/stream", Sse.Json(new { message = "Look up the Rust release", mode = "agent" }));
        var events = await Sse.ParseAsync(await response.Content.ReadAsStreamAsync());

        var done = Sse.Data(events[^1]);
        Assert.True(done.GetProperty("ok").GetBoolean());
        Assert.Contains("Web search failed", Assert.Single(done.GetProperty("notices").EnumerateArray()).GetString());
        Assert.Equal(TestModels.StoryAnswer, string.Concat(events.Where(e => e.EventType == "token").Select(Sse.TokenText)));
    }

    [Fact]
    public async Task A_message_too_long_for_the_model_is_refused_without_searching_the_web_for_it()
    {
        var response = await _client.PostAsJsonAsync("/chat", new { message = "Look up the latest news: " + string.Concat(Enumerable.Repeat("hello world ", 300)), mode = "agent" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("too long for this model", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
        Assert.Empty(_searxng.Queries);
    }

    private Task<JsonElement> ChatAsync(object body) => ChatJson.PostAsync(_client, body);
}
