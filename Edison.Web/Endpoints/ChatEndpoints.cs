using System.Globalization;
using Edison.Core.Chat;
using Edison.Core.Tools;
using Edison.Core.Replies;
using Edison.Web.Access;
using Microsoft.Extensions.Options;

namespace Edison.Web.Endpoints;

/// <summary>
/// <c>POST /chat</c> (the whole answer as JSON) and <c>POST /chat/stream</c> (Server-Sent Events), both following an
/// <see cref="Answer"/> started by <see cref="Answers"/>. The SSE framing is a public contract: <c>event: token</c> with <c>{"t":"..."}</c>
/// per token, then exactly one <c>event: done</c>.
/// </summary>
public static class ChatEndpoints
{
    public const string TokenEvent = "token";
    public const string ReasoningEvent = "reasoning";
    public const string ToolCallEvent = "tool_call";
    public const string ToolResultEvent = "tool_result";
    public const string ApprovalEvent = "approval";
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
        chat.MapPost("/approve/{conversationId}", ApproveAsync);
        return endpoints;
    }

    private static async Task<IResult> AnswerAsync(HttpContext http, ChatRequestReader reader, Answers answers)
    {
        // The body is /chat/stream's, its streaming fields checked though a whole answer has no use for them.
        var (request, _) = await reader.ReadChatRequestAsync(http.Request, http.RequestAborted);
        var answer = await answers.StartAsync(request, AnswerOwner.Client, http.RequestAborted);
        var done = await answer.Ended;
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
        Answers answers,
        IOptions<ChatLimits> options,
        TimeProvider time)
    {
        var (request, stream) = await reader.ReadChatRequestAsync(http.Request, http.RequestAborted);
        var answer = await answers.StartAsync(request, stream.Resumable == true ? AnswerOwner.Server : AnswerOwner.Client, http.RequestAborted);
        var writer = new ServerSentEventWriter(http.Response, options.Value.PingInterval, time);
        if (answer.Owner == AnswerOwner.Server)
        {
            return await FollowAsync(http, writer, answer, lastSeen: 0);
        }

        await writer.WriteAsync(answer.ReadAsync(0, http.RequestAborted).Select(numbered => numbered.Update), http.RequestAborted);
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
        Answers answers,
        IOptions<ChatLimits> options,
        TimeProvider time)
    {
        var answer = FindAnswer(conversationId, answers);
        var lastSeen = http.Request.Headers["Last-Event-ID"].ToString() is { Length: > 0 } header ? header : http.Request.Query["last_event_id"].ToString();
        long seen = 0;
        if (lastSeen.Length > 0 && !long.TryParse(lastSeen, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out seen))
        {
            throw new ChatRequestException($"Last-Event-ID \"{lastSeen}\" is not an event id (a whole number).");
        }

        // An id past any event an answer can have was read up to the end, as one just past its last.
        int lastSeenId = (int)Math.Clamp(seen, int.MinValue, int.MaxValue);
        if (answer.HasEndedBy(lastSeenId))
        {
            return TypedResults.NoContent();
        }

        var writer = new ServerSentEventWriter(http.Response, options.Value.PingInterval, time);
        return await FollowAsync(http, writer, answer, lastSeenId);
    }

    /// <summary>Stops a resumable (or the page's) answer: it is stored as far as it got, marked stopped.</summary>
    private static IResult Stop(string conversationId, Answers answers)
    {
        var id = ConversationIdOf(conversationId);
        if (!answers.Stop(id))
        {
            throw new ChatRequestException($"Conversation {id} has no answer being written.", StatusCodes.Status409Conflict);
        }

        return TypedResults.Json(new { ok = true, stopped = true }, EdisonJson.Options);
    }

    /// <summary>The person's decision on a call that asks first: the only way, besides the page, that one is approved.</summary>
    private static async Task<IResult> ApproveAsync(string conversationId, HttpContext http, ChatRequestReader reader, ToolApprovals approvals)
    {
        var id = ConversationIdOf(conversationId);
        var decision = await reader.ReadAsync<ApprovalRequest>(http.Request, http.RequestAborted);
        if (decision is not { CallId: { Length: > 0 } call, Approved: { } approved })
        {
            throw new ChatRequestException("The body must be {\"call_id\":\"...\",\"approved\":true|false}.");
        }

        if (!approvals.Decide(id, call, approved))
        {
            throw new ChatRequestException($"No call \"{call}\" of conversation {id} is waiting for approval.", StatusCodes.Status404NotFound);
        }

        return TypedResults.Json(new { ok = true, approved }, EdisonJson.Options);
    }

    private sealed record ApprovalRequest(string? CallId, bool? Approved);

    private static Answer FindAnswer(string conversationId, Answers answers)
    {
        var id = ConversationIdOf(conversationId);
        return answers.Find(id) ?? throw new ChatRequestException($"Conversation {id} has no answer being written.", StatusCodes.Status404NotFound);
    }

    private static Guid ConversationIdOf(string conversationId) =>
        Guid.TryParse(conversationId, out var id) ? id : throw new ChatRequestException($"\"{conversationId}\" is not a conversation id (a GUID).");

    /// <summary>Follows an answer Edison owns, with event ids; the client leaving ends the following, not the answer.</summary>
    private static async Task<IResult> FollowAsync(HttpContext http, ServerSentEventWriter writer, Answer answer, int lastSeen)
    {
        await writer.WriteAsync(answer.ReadAsync(lastSeen, http.RequestAborted), http.RequestAborted);
        return TypedResults.Empty;
    }
}
