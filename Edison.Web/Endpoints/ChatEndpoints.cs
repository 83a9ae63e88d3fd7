using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Edison.Core.Chat;

namespace Edison.Web.Endpoints;

/// <summary>
/// <c>POST /chat</c> (the whole answer as JSON) and <c>POST /chat/stream</c> (Server-Sent Events), both on the one
/// <see cref="ChatPipeline"/>. The SSE framing is a public contract: <c>event: token</c> with <c>{"t":"..."}</c>
/// per token, then exactly one <c>event: done</c>.
/// </summary>
public static class ChatEndpoints
{
    public const string TokenEvent = "token";
    public const string DoneEvent = "done";

    public static IEndpointRouteBuilder MapEdisonChat(this IEndpointRouteBuilder endpoints)
    {
        var chat = endpoints.MapGroup("/chat").AddEndpointFilter<ChatRequestErrorFilter>();
        chat.MapPost("/", AnswerAsync);
        chat.MapPost("/stream", StreamAsync);
        return endpoints;
    }

    private static async Task<IResult> AnswerAsync(HttpContext http, ChatRequestReader reader, ChatPipeline pipeline)
    {
        var prepared = await pipeline.PrepareAsync(await reader.ReadAsync(http.Request, http.RequestAborted), http.RequestAborted);
        var done = await pipeline.AnswerAsync(prepared, http.RequestAborted);
        int status = done.Ok || done.Stopped == true ? StatusCodes.Status200OK : StatusCodes.Status500InternalServerError;
        return TypedResults.Json(done, EdisonJson.Options, statusCode: status);
    }

    private static async Task<IResult> StreamAsync(HttpContext http, ChatRequestReader reader, ChatPipeline pipeline)
    {
        var prepared = await pipeline.PrepareAsync(await reader.ReadAsync(http.Request, http.RequestAborted), http.RequestAborted);

        // Tells nginx-style proxies not to buffer, so tokens reach the client as they are written.
        http.Response.Headers["X-Accel-Buffering"] = "no";
        return TypedResults.ServerSentEvents(ToServerSentEvents(pipeline.RunAsync(prepared, http.RequestAborted)));
    }

    /// <summary>Each event's data is its JSON, serialised here so the wire shape does not depend on host settings.</summary>
    private static async IAsyncEnumerable<SseItem<string>> ToServerSentEvents(
        IAsyncEnumerable<ChatEvent> events,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var chatEvent in events.WithCancellation(cancellationToken))
        {
            yield return chatEvent switch
            {
                ChatToken token => new SseItem<string>(JsonSerializer.Serialize(token, EdisonJson.Options), TokenEvent),
                ChatDone done => new SseItem<string>(JsonSerializer.Serialize(done, EdisonJson.Options), DoneEvent),
                _ => throw new InvalidOperationException($"Unknown chat event {chatEvent.GetType().Name}."),
            };
        }
    }

    /// <summary>A request Edison will not run becomes <c>{"ok":false,"error":"..."}</c> with its status.</summary>
    private sealed class ChatRequestErrorFilter : IEndpointFilter
    {
        public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
        {
            try
            {
                return await next(context);
            }
            catch (ChatRequestException e)
            {
                return ErrorResponse.Result(e.Message, e.StatusCode);
            }
        }
    }
}
