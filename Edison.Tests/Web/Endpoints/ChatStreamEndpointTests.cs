using System.Net;
using System.Text.Json;
using Edison.Tests.TestSupport;

namespace Edison.Tests.Web.Endpoints;

/// <summary>The public SSE contract of POST /chat/stream, on the real model path.</summary>
public sealed class ChatStreamEndpointTests(ChatStreamEndpointTests.Host host) : IClassFixture<ChatStreamEndpointTests.Host>
{
    private readonly HttpClient _client = host.Client;

    /// <summary>Every test reads only the answer it asked for, so they share one host.</summary>
    public sealed class Host() : SharedEdison(new EdisonFactory(TestModels.Greeting));

    [Fact]
    public async Task The_bytes_on_the_wire_are_exactly_the_contract()
    {
        var conversationId = Guid.NewGuid();

        var response = await _client.PostAsync("/chat/stream", Sse.Json(new { message = "hi", conversation_id = conversationId }));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(
            "event: token\ndata: {\"t\":\"Hello,\"}\n\n" +
            "event: token\ndata: {\"t\":\" world! \"}\n\n" +
            "event: token\ndata: {\"t\":\"\\uD83E\\uDD99\"}\n\n" +
            "event: done\ndata: {\"ok\":true,\"mode_used\":\"chat\",\"response\":\"Hello, world! \\uD83E\\uDD99\",\"finish_reason\":\"stop\"," +
            $"\"conversation_id\":\"{conversationId}\",\"sources\":[],\"usage\":{{",
            body[..body.IndexOf("\"usage\":{", StringComparison.Ordinal)] + "\"usage\":{");
        Assert.EndsWith("}}\n\n", body);

        // The counts: the prompt as this model's tokenizer reads it (nothing cached on a first message), and the
        // answer's tokens (the emoji alone is four byte tokens).
        var usage = JsonDocument.Parse(body[(body.LastIndexOf("data: ", StringComparison.Ordinal) + 6)..]).RootElement.GetProperty("usage");
        Assert.Equal(["prompt_tokens", "cached_tokens", "completion_tokens"], usage.EnumerateObject().Select(p => p.Name));
        Assert.InRange(usage.GetProperty("prompt_tokens").GetInt32(), 10, 200);
        Assert.Equal(0, usage.GetProperty("cached_tokens").GetInt32());
        Assert.InRange(usage.GetProperty("completion_tokens").GetInt32(), 6, 20);
    }

    [Fact]
    public async Task The_stream_is_marked_for_no_caching_and_no_proxy_buffering()
    {
        var response = await _client.PostAsync("/chat/stream", Sse.Json(new { message = "hi" }));

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("no-cache", response.Headers.CacheControl?.ToString());
        Assert.Equal("no", Assert.Single(response.Headers.GetValues("X-Accel-Buffering")));
        Assert.All(response.Content.Headers.ContentEncoding, encoding => Assert.Equal("identity", encoding));
    }

    [Fact]
    public async Task Parsed_by_an_SSE_client_the_tokens_add_up_to_the_done_response()
    {
        var response = await _client.PostAsync("/chat/stream", Sse.Json(new { message = "hi" }));
        var events = await Sse.ParseAsync(await response.Content.ReadAsStreamAsync());

        var tokens = events.Where(e => e.EventType == "token").Select(Sse.TokenText).ToList();
        var done = Sse.Data(Assert.Single(events, e => e.EventType == "done"));

        Assert.Equal("done", events[^1].EventType);
        Assert.True(done.GetProperty("ok").GetBoolean());
        Assert.Equal(TestModels.GreetingAnswer, done.GetProperty("response").GetString());
        Assert.Equal(done.GetProperty("response").GetString(), string.Concat(tokens));
        Assert.True(Guid.TryParse(done.GetProperty("conversation_id").GetString(), out _));
    }

    [Fact]
    public async Task A_character_split_across_tokens_arrives_whole()
    {
        var response = await _client.PostAsync("/chat/stream", Sse.Json(new { message = "hi" }));
        var tokens = (await Sse.ParseAsync(await response.Content.ReadAsStreamAsync()))
            .Where(e => e.EventType == "token").Select(Sse.TokenText).ToList();

        Assert.DoesNotContain(tokens, t => t.Contains('\uFFFD'));
        Assert.Contains("🦙", tokens);
    }

    [Fact]
    public async Task Chat_and_chat_stream_give_the_same_answer_at_temperature_zero()
    {
        var whole = await _client.PostAsync("/chat", Sse.Json(new { message = "hi", temperature = 0 }));
        var streamed = await _client.PostAsync("/chat/stream", Sse.Json(new { message = "hi", temperature = 0 }));

        var answer = JsonDocument.Parse(await whole.Content.ReadAsStringAsync()).RootElement;
        var done = Sse.Data((await Sse.ParseAsync(await streamed.Content.ReadAsStreamAsync())).Single(e => e.EventType == "done"));
        Assert.Equal(HttpStatusCode.OK, whole.StatusCode);
        Assert.True(answer.GetProperty("ok").GetBoolean());
        Assert.Equal("chat", answer.GetProperty("mode_used").GetString());
        Assert.Equal(done.GetProperty("response").GetString(), answer.GetProperty("response").GetString());
    }

    [Theory]
    [InlineData("```python\nprint(1)\n```\nwhat does this print?", "code")]
    [InlineData("Prove that there are infinitely many primes, step by step", "reasoning")]
    [InlineData("hello there", "chat")]
    public async Task Without_a_mode_Edison_detects_one_and_says_which_it_used(string message, string expected)
    {
        var response = await _client.PostAsync("/chat/stream", Sse.Json(new { message }));

        var done = Sse.Data((await Sse.ParseAsync(await response.Content.ReadAsStreamAsync())).Single(e => e.EventType == "done"));
        Assert.Equal(expected, done.GetProperty("mode_used").GetString());
    }

    [Fact]
    public async Task A_named_mode_is_the_mode_used()
    {
        var response = await _client.PostAsync("/chat", Sse.Json(new { message = "fix my loop", mode = "code" }));

        var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("code", answer.GetProperty("mode_used").GetString());
    }
}
