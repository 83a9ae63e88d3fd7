using Edison.Core.Chat;
using Edison.Web.Access;
using Microsoft.Extensions.Options;

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
        var chat = endpoints.MapGroup("/chat")
            .AddEndpointFilter<ChatRequestErrorFilter>()
            .RequireRateLimiting(AccessExtensions.GenerationLimit)
            .RequireCors(AccessExtensions.BrowserClients);
        chat.MapPost("/", AnswerAsync);
        chat.MapPost("/stream", StreamAsync);
        return endpoints;
    }

    private static async Task<IResult> AnswerAsync(HttpContext http, ChatRequestReader reader, ChatPipeline pipeline)
    {
        var prepared = await pipeline.PrepareAsync(await reader.ReadAsync(http.Request, http.RequestAborted), http.RequestAborted);
        var done = await pipeline.AnswerAsync(prepared, http.RequestAborted);
        if (done.RetryAfter is { } wait)
        {
            return ServerSentEventWriter.Busy(http, done.Error!, wait);
        }

        int status = done.Ok || done.Stopped == true ? StatusCodes.Status200OK : StatusCodes.Status500InternalServerError;
        return TypedResults.Json(done, EdisonJson.Options, statusCode: status);
    }

    private static async Task<IResult> StreamAsync(
        HttpContext http,
        ChatRequestReader reader,
        ChatPipeline pipeline,
        IOptions<ChatOptions> options,
        TimeProvider time)
    {
        var prepared = await pipeline.PrepareAsync(await reader.ReadAsync(http.Request, http.RequestAborted), http.RequestAborted);
        var writer = new ServerSentEventWriter(http.Response, options.Value.PingInterval, time);
        try
        {
            await writer.WriteAsync(pipeline.RunAsync(prepared, http.RequestAborted), http.RequestAborted);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException && http.RequestAborted.IsCancellationRequested)
        {
            // The client went away: generation has stopped and there is no one left to tell.
        }

        return TypedResults.Empty;
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
