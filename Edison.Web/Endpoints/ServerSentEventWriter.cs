using System.Text;
using System.Text.Json;
using Edison.Core.Chat;
using Microsoft.AspNetCore.Http.Features;

namespace Edison.Web.Endpoints;

/// <summary>
/// Writes the chat event stream as Server-Sent Events: <c>event: token</c>/<c>event: done</c> with one JSON
/// <c>data</c> line each, flushed one by one, and a <c>: ping</c> comment whenever nothing was sent for the ping
/// interval.
/// </summary>
public sealed class ServerSentEventWriter(HttpResponse response, TimeSpan pingInterval, TimeProvider time)
{
    private static readonly byte[] Ping = ": ping\n\n"u8.ToArray();

    public async Task WriteAsync(IAsyncEnumerable<ChatEvent> events, CancellationToken cancellationToken)
    {
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        response.Headers.ContentEncoding = "identity";
        response.HttpContext.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        await response.StartAsync(cancellationToken);

        await using var enumerator = events.GetAsyncEnumerator(cancellationToken);
        var next = enumerator.MoveNextAsync();
        Task? ping = null;
        while (true)
        {
            // Tokens usually arrive faster than the ping interval: only wait with a timer when one is not ready.
            if (!next.IsCompleted)
            {
                var pending = next.AsTask();
                next = new ValueTask<bool>(pending);
                ping ??= Task.Delay(pingInterval, time, cancellationToken);
                if (await Task.WhenAny(pending, ping) == ping)
                {
                    ping = null;
                    await response.Body.WriteAsync(Ping, cancellationToken);
                    await response.Body.FlushAsync(cancellationToken);
                    continue;
                }
            }

            if (!await next)
            {
                break;
            }

            ping = null;
            await WriteEventAsync(enumerator.Current, cancellationToken);
            next = enumerator.MoveNextAsync();
        }
    }

    private async Task WriteEventAsync(ChatEvent chatEvent, CancellationToken cancellationToken)
    {
        var (name, data) = chatEvent switch
        {
            ChatToken token => (ChatEndpoints.TokenEvent, JsonSerializer.Serialize(token, EdisonJson.Options)),
            ChatDone done => (ChatEndpoints.DoneEvent, JsonSerializer.Serialize(done, EdisonJson.Options)),
            _ => throw new InvalidOperationException($"Unknown chat event {chatEvent.GetType().Name}."),
        };
        await response.Body.WriteAsync(Encoding.UTF8.GetBytes($"event: {name}\ndata: {data}\n\n"), cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }
}
