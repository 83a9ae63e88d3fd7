using System.Net;
using System.Text.Json;
using Edison.Tests.TestSupport;

namespace Edison.Tests.Web.Endpoints;

/// <summary>A client that goes away mid-answer, on a real Kestrel socket with a model that would write for many seconds.</summary>
public sealed class DisconnectTests(DisconnectTests.Host host) : IClassFixture<DisconnectTests.Host>
{
    private readonly HttpClient _client = host.Client;

    /// <summary>Each test waits for its own answers to end, so they share one host.</summary>
    public sealed class Host() : SharedEdison(new EdisonFactory(TestModels.Endless, contextSize: 32768), onSocket: true);

    [Fact]
    public async Task Disconnecting_mid_stream_ends_generation_at_once_and_stores_nothing()
    {
        var id = Guid.NewGuid();
        // Gone at once, as a closed tab or a killed client: by default HttpClient reads on for up to two seconds after
        // the response is let go, to reuse the connection, and the server rightly goes on writing meanwhile.
        using (var stream = new HttpClient(new SocketsHttpHandler { MaxResponseDrainSize = 0 }) { BaseAddress = _client.BaseAddress })
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/chat/stream")
            {
                Content = Sse.Json(new { message = "go on forever", conversation_id = id, max_tokens = 32000 }),
            };
            var response = await stream.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            Assert.Equal("event: token", await reader.ReadLineAsync());
            Assert.Equal(1, await ActiveGenerationsAsync());
            response.Dispose();
        }

        // 32,000 tokens take this model well over ten seconds; cancellation must end it long before.
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (await ActiveGenerationsAsync() != 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the generation kept running after the client disconnected");
            await Task.Delay(10);
        }

        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync($"/api/conversations/{id}")).StatusCode);
        var next = await _client.PostAsync("/chat", Sse.Json(new { message = "a short one", max_tokens = 5 }));
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
    }

    [Fact]
    public async Task Max_tokens_ends_an_answer_that_would_not_end_by_itself()
    {
        var response = await _client.PostAsync("/chat/stream", Sse.Json(new { message = "go", max_tokens = 7 }));
        var events = await Sse.ParseAsync(await response.Content.ReadAsStreamAsync());

        Assert.Equal(7, events.Count(e => e.EventType == "token"));
        Assert.True(Sse.Data(events[^1]).GetProperty("ok").GetBoolean());
    }

    private async Task<int> ActiveGenerationsAsync()
    {
        var health = JsonDocument.Parse(await _client.GetStringAsync("/health")).RootElement;
        return health.GetProperty("active_generations").GetInt32();
    }
}
