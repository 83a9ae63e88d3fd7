using Edison.Core.Chat;
using System.Globalization;
using Edison.Web.Access;
using Edison.Web.Replies;
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
        chat.MapGet("/stream/{conversationId}", ResumeAsync);
        chat.MapPost("/stop/{conversationId}", Stop);
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
        LiveReplies replies,
        IOptions<ChatLimits> options,
        TimeProvider time)
    {
        var request = await reader.ReadAsync(http.Request, http.RequestAborted);
        var writer = new ServerSentEventWriter(http.Response, options.Value.PingInterval, time);
        if (request.Resumable == true)
        {
            var reply = await replies.StartAsync(request, http.RequestAborted);
            return await FollowAsync(http, writer, reply, lastSeen: 0);
        }

        var prepared = await pipeline.PrepareAsync(request, http.RequestAborted);
        await writer.WriteAsync(pipeline.RunAsync(prepared, http.RequestAborted), http.RequestAborted);
        return TypedResults.Empty;
    }

    /// <summary>
    /// A resumable answer from where the client left it (<c>Last-Event-ID</c>, or <c>?last_event_id=</c>): what it
    /// missed, then the rest as it is written. 404 when the conversation has no answer running or just ended; 204 when
    /// the client has seen all of a finished one, which tells an EventSource that reconnects after the done to stop.
    /// </summary>
    private static async Task<IResult> ResumeAsync(
        HttpContext http,
        string conversationId,
        LiveReplies replies,
        IOptions<ChatLimits> options,
        TimeProvider time)
    {
        var reply = FindReply(conversationId, replies);
        var lastSeen = http.Request.Headers["Last-Event-ID"].ToString() is { Length: > 0 } header ? header : http.Request.Query["last_event_id"].ToString();
        long seen = 0;
        if (lastSeen.Length > 0 && !long.TryParse(lastSeen, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out seen))
        {
            throw new ChatRequestException($"Last-Event-ID \"{lastSeen}\" is not an event id (a whole number).");
        }

        // An id past any event a reply can have was read up to the end, as one just past its last.
        int lastSeenId = (int)Math.Clamp(seen, int.MinValue, int.MaxValue);
        if (reply.HasEndedBy(lastSeenId))
        {
            return TypedResults.NoContent();
        }

        var writer = new ServerSentEventWriter(http.Response, options.Value.PingInterval, time);
        return await FollowAsync(http, writer, reply, lastSeenId);
    }

    /// <summary>Stops a resumable (or the page's) answer: it is stored as far as it got, marked stopped.</summary>
    private static IResult Stop(string conversationId, LiveReplies replies)
    {
        var id = ConversationIdOf(conversationId);
        if (!replies.Stop(id))
        {
            throw new ChatRequestException($"Conversation {id} has no answer being written.", StatusCodes.Status409Conflict);
        }

        return TypedResults.Json(new { ok = true, stopped = true }, EdisonJson.Options);
    }

    private static LiveReply FindReply(string conversationId, LiveReplies replies)
    {
        var id = ConversationIdOf(conversationId);
        return replies.Find(id) ?? throw new ChatRequestException($"Conversation {id} has no answer being written.", StatusCodes.Status404NotFound);
    }

    private static Guid ConversationIdOf(string conversationId) =>
        Guid.TryParse(conversationId, out var id) ? id : throw new ChatRequestException($"\"{conversationId}\" is not a conversation id (a GUID).");

    /// <summary>Follows a live reply; the client leaving ends the following, not the reply.</summary>
    private static async Task<IResult> FollowAsync(HttpContext http, ServerSentEventWriter writer, LiveReply reply, int lastSeen)
    {
        await writer.WriteAsync(reply.ReadAsync(lastSeen, http.RequestAborted), http.RequestAborted);
        return TypedResults.Empty;
    }
}
