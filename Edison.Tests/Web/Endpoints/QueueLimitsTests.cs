using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Edison.Tests.TestSupport;

namespace Edison.Tests.Web.Endpoints;

/// <summary>
/// The queue and the wait in it: a request past them is answered clearly, while the answers already running keep
/// going. Each test has its own Edison, with one answer running and its own queue settings.
/// </summary>
public sealed class QueueLimitsTests
{
    [Fact]
    public async Task A_full_queue_answers_503_with_Retry_After_and_the_running_answer_keeps_streaming()
    {
        await using var edison = Busy(new Dictionary<string, string?> { ["Edison:Model:MaxQueued"] = "1" });
        var client = await edison.CreateReadyClientAsync();
        using var stop = new CancellationTokenSource();
        var running = await OpenStreamAsync(client, stop.Token);
        var queued = client.PostAsync("/chat", Sse.Json(new { message = "me next", max_tokens = 3 }), stop.Token);
        await Eventually.WaitUntilAsync(async () => (await HealthAsync(client)).GetProperty("queued_generations").GetInt32() == 1);

        var chat = await client.PostAsync("/chat", Sse.Json(new { message = "one too many", remember = false }));
        var stream = await client.PostAsync("/chat/stream", Sse.Json(new { message = "one too many", remember = false }));
        var openAi = await client.PostAsync("/v1/chat/completions", Sse.Json(new { messages = new[] { new { role = "user", content = "x" } }, stream = true }));

        foreach (var refused in new[] { chat, stream, openAi })
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.InRange(int.Parse(refused.Headers.GetValues("Retry-After").Single()), 1, 60);
        }

        Assert.Contains("requests are already waiting", (await chat.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
        Assert.Equal("service_unavailable", (await openAi.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("type").GetString());
        await AssertStillStreamingAsync(running);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queued);
    }

    [Fact]
    public async Task A_request_that_waited_too_long_for_its_turn_gets_503_and_a_started_stream_a_done_error()
    {
        await using var edison = Busy(new Dictionary<string, string?>
        {
            // The stream's first ping goes out long before its wait ends, even on a busy machine.
            ["Edison:Chat:MaxQueueWait"] = "00:00:03",
            ["Edison:Chat:PingInterval"] = "00:00:00.2",
        });
        var client = await edison.CreateReadyClientAsync();
        using var stop = new CancellationTokenSource();
        var running = await OpenStreamAsync(client, stop.Token);

        var waiting = client.PostAsync("/chat", Sse.Json(new { message = "me next", remember = false }));
        var pinged = await client.PostAsync("/chat/stream", Sse.Json(new { message = "me next too", remember = false }));
        var events = await Sse.ParseAsync(await pinged.Content.ReadAsStreamAsync());
        var waited = await waiting;

        Assert.Equal(HttpStatusCode.ServiceUnavailable, waited.StatusCode);
        Assert.True(waited.Headers.Contains("Retry-After"));
        Assert.Contains("waited 3 s for its turn", (await waited.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.OK, pinged.StatusCode);
        var done = Sse.Data(Assert.Single(events, e => e.EventType == "done"));
        Assert.False(done.GetProperty("ok").GetBoolean());
        Assert.Contains("waited 3 s for its turn", done.GetProperty("error").GetString());
        await AssertStillStreamingAsync(running);
        await stop.CancelAsync();
        Assert.Equal("[]", await client.GetStringAsync("/api/conversations"));
    }

    [Fact]
    public async Task Before_its_first_ping_a_stream_that_waited_too_long_is_a_503_too()
    {
        await using var edison = Busy(new Dictionary<string, string?> { ["Edison:Chat:MaxQueueWait"] = "00:00:00.5" });
        var client = await edison.CreateReadyClientAsync();
        using var stop = new CancellationTokenSource();
        var running = await OpenStreamAsync(client, stop.Token);

        var stream = await client.PostAsync("/chat/stream", Sse.Json(new { message = "me next", remember = false }));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, stream.StatusCode);
        Assert.Equal("application/json", stream.Content.Headers.ContentType?.MediaType);
        await AssertStillStreamingAsync(running);
        await stop.CancelAsync();
    }

    /// <summary>One sequence, so a second request waits; the model never ends its answer.</summary>
    private static EdisonFactory Busy(Dictionary<string, string?> settings)
    {
        settings["Edison:Model:MaxParallel"] = "1";
        settings["Edison:RateLimit:ConcurrentPerClient"] = "0";
        return new EdisonFactory(TestModels.Endless, contextSize: 32768, settings: settings);
    }

    private static async Task<StreamReader> OpenStreamAsync(HttpClient client, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/chat/stream") { Content = Sse.Json(new { message = "go on", remember = false, max_tokens = 30000 }) };
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
        Assert.Equal("event: token", await reader.ReadLineAsync(cancellationToken));
        return reader;
    }

    /// <summary>The running answer still gets new tokens after the refusals.</summary>
    private static async Task AssertStillStreamingAsync(StreamReader running)
    {
        for (int tokens = 0; tokens < 20;)
        {
            var line = await running.ReadLineAsync();
            Assert.NotNull(line);
            tokens += line == "event: token" ? 1 : 0;
            Assert.NotEqual("event: done", line);
        }
    }

    private static async Task<JsonElement> HealthAsync(HttpClient client) => await client.GetFromJsonAsync<JsonElement>("/health");
}
