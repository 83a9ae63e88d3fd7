using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Edison.Tests.TestSupport;

/// <summary>
/// A Hugging Face-like hub on loopback: <c>/{owner}/{repo}/resolve/main/{file}</c> redirects (with
/// <c>x-linked-size</c> and <c>x-linked-etag</c>, as the hub does) to a CDN path that serves the bytes with HTTP
/// ranges. It can drop the connection part-way through the first download, and records the ranges asked for.
/// </summary>
public sealed class FakeHub : IAsyncDisposable
{
    private WebApplication _app = null!;
    private int _downloads;

    private FakeHub(byte[] content)
    {
        Content = content;
        Sha256 = Convert.ToHexStringLower(SHA256.HashData(content));
    }

    public byte[] Content { get; }

    public string Sha256 { get; set; }

    public string Url { get; private set; } = string.Empty;

    /// <summary>Bytes sent before the first download's connection is dropped; null sends everything.</summary>
    public int? DropFirstDownloadAfter { get; set; }

    /// <summary>Slows the CDN down so a test can watch progress.</summary>
    public TimeSpan DelayPerChunk { get; set; }

    public ConcurrentQueue<string> Ranges { get; } = new();

    public static async Task<FakeHub> StartAsync(byte[] content)
    {
        var hub = new FakeHub(content);
        (hub._app, hub.Url) = await LoopbackServer.StartAsync(app => hub.Map(app));
        return hub;
    }

    private void Map(WebApplication app)
    {
        app.MapMethods("/{owner}/{repo}/resolve/main/{file}", ["GET", "HEAD"], (HttpContext context, string owner, string repo, string file) =>
        {
            if (repo == "missing")
            {
                return Results.NotFound();
            }

            context.Response.Headers["x-linked-size"] = Content.Length.ToString();
            context.Response.Headers["x-linked-etag"] = $"\"{Sha256}\"";
            return Results.Redirect($"/cdn/{file}");
        });
        app.MapGet("/cdn/{file}", ServeAsync);
    }

    private async Task ServeAsync(HttpContext context)
    {
        var range = context.Request.Headers.Range.ToString();
        Ranges.Enqueue(range);
        int from = range.StartsWith("bytes=", StringComparison.Ordinal) ? int.Parse(range["bytes=".Length..].TrimEnd('-')) : 0;
        bool first = Interlocked.Increment(ref _downloads) == 1;
        context.Response.StatusCode = from > 0 ? StatusCodes.Status206PartialContent : StatusCodes.Status200OK;
        context.Response.ContentLength = Content.Length - from;
        if (from > 0)
        {
            context.Response.Headers.ContentRange = $"bytes {from}-{Content.Length - 1}/{Content.Length}";
        }

        int end = first && DropFirstDownloadAfter is { } drop ? Math.Min(from + drop, Content.Length) : Content.Length;
        for (int at = from; at < end; at += 4096)
        {
            await context.Response.Body.WriteAsync(Content.AsMemory(at, Math.Min(4096, end - at)));
            await context.Response.Body.FlushAsync();
            if (DelayPerChunk > TimeSpan.Zero)
            {
                await Task.Delay(DelayPerChunk);
            }
        }

        if (end < Content.Length)
        {
            context.Abort();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
