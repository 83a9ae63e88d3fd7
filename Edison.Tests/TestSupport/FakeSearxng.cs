using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Edison.Tests.TestSupport;

/// <summary>
/// A small SearXNG-compatible server on loopback: <c>GET /search?q=...&amp;format=json</c> answers with the results
/// given, after an optional delay, or with a 500 when told to fail. It records every query it receives.
/// </summary>
public sealed class FakeSearxng : IAsyncDisposable
{
    private WebApplication _app = null!;

    public ConcurrentQueue<string> Queries { get; } = new();

    public string Url { get; private set; } = string.Empty;

    public TimeSpan Delay { get; set; }

    public bool Fails { get; set; }

    public IReadOnlyList<object> Answers { get; set; } = [];

    /// <summary>Answers again at once and well, with no queries seen: for the next test on the same server.</summary>
    public void Reset()
    {
        Queries.Clear();
        Delay = TimeSpan.Zero;
        Fails = false;
    }

    public static async Task<FakeSearxng> StartAsync()
    {
        var server = new FakeSearxng();
        (server._app, server.Url) = await LoopbackServer.StartAsync(app => app.MapGet("/search", async (string q, string format, CancellationToken cancellationToken) =>
        {
            server.Queries.Enqueue(q);
            await Task.Delay(server.Delay, cancellationToken);
            return server.Fails || format != "json"
                ? Results.StatusCode(StatusCodes.Status500InternalServerError)
                : Results.Json(new { query = q, results = server.Answers });
        }));
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
