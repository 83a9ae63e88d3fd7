using System.Net;
using Edison.Tests.TestSupport;

namespace Edison.Tests.Web.Endpoints;

/// <summary>A stream with nothing to send yet keeps the connection alive with SSE comments.</summary>
public sealed class ChatStreamPingTests
{
    [Fact]
    public async Task A_request_waiting_for_its_turn_gets_ping_comments_then_its_answer()
    {
        await using var edison = new EdisonFactory(TestModels.Endless, contextSize: 8192, settings: new Dictionary<string, string?>
        {
            ["Edison:Model:MaxParallel"] = "1",
            ["Edison:Chat:PingInterval"] = "00:00:00.050",
        });
        var client = await edison.CreateReadyClientAsync();
        var busy = client.PostAsync("/chat", Sse.Json(new { message = "keep the model busy", max_tokens = 400 }));
        while (!(await client.GetStringAsync("/health")).Contains("\"active_generations\":1"))
        {
            await Task.Delay(5);
        }

        var response = await client.PostAsync("/chat/stream", Sse.Json(new { message = "my turn", max_tokens = 3 }));
        var body = await response.Content.ReadAsStringAsync();
        await busy;

        Assert.StartsWith(": ping\n\n", body);
        var afterPings = body[body.IndexOf("event:", StringComparison.Ordinal)..];
        var events = await Sse.ParseAsync(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(body)));
        Assert.Equal(["token", "token", "token", "done"], events.Select(e => e.EventType));
        Assert.StartsWith("event: token\n", afterPings);
    }
}
