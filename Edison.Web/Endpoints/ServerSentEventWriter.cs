using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using Edison.Core.Chat;
using Edison.Core.Inference.Tools;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.AI;

namespace Edison.Web.Endpoints;

/// <summary>
/// Writes an event stream as Server-Sent Events (Edison's chat events, or another framing such as OpenAI's): <c>event: token</c>/<c>event: done</c> with one JSON
/// <c>data</c> line each, flushed as soon as no further event is waiting, and a <c>: ping</c> comment whenever nothing was sent for the ping
/// interval. Events are serialised straight into the response, without a string per token.
/// </summary>
public sealed class ServerSentEventWriter(HttpResponse response, TimeSpan pingInterval, TimeProvider time)
{
    private static readonly byte[] Ping = ": ping\n\n"u8.ToArray();
    private static readonly byte[] TokenPrefix = Encoding.UTF8.GetBytes($"event: {ChatEndpoints.TokenEvent}\ndata: ");
    private static readonly byte[] DonePrefix = Encoding.UTF8.GetBytes($"event: {ChatEndpoints.DoneEvent}\ndata: ");
    private static readonly byte[] ReasoningPrefix = Encoding.UTF8.GetBytes($"event: {ChatEndpoints.ReasoningEvent}\ndata: ");
    private static readonly byte[] ToolCallPrefix = Encoding.UTF8.GetBytes($"event: {ChatEndpoints.ToolCallEvent}\ndata: ");
    private static readonly byte[] ToolResultPrefix = Encoding.UTF8.GetBytes($"event: {ChatEndpoints.ToolResultEvent}\ndata: ");
    private static readonly byte[] ApprovalPrefix = Encoding.UTF8.GetBytes($"event: {ChatEndpoints.ApprovalEvent}\ndata: ");
    private static readonly byte[] EventEnd = "\n\n"u8.ToArray();
    private static readonly byte[] IdPrefix = "id: "u8.ToArray();
    private static readonly byte[] LineEnd = "\n"u8.ToArray();
    private static readonly TimeSpan MaxHold = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// Edison's own framing: an event for each content of each update (<c>event: token</c>, then <c>event: done</c>). A
    /// request Edison is too busy to take before anything was sent is answered 503 with Retry-After instead of a stream.
    /// </summary>
    public Task WriteAsync(IAsyncEnumerable<ChatResponseUpdate> updates, CancellationToken cancellationToken) =>
        WriteAsync(updates, (body, json, update) => WriteUpdate(body, json, update, id: null), BusyInstead, cancellationToken);

    /// <summary>
    /// Edison's framing with an <c>id: N</c> line per update (on its last event), so a client that reconnects can say
    /// what it saw last (<c>Last-Event-ID</c>).
    /// </summary>
    public Task WriteAsync(IAsyncEnumerable<(int Id, ChatResponseUpdate Update)> updates, CancellationToken cancellationToken) =>
        WriteAsync(updates, (body, json, item) => WriteUpdate(body, json, item.Update, item.Id), item => BusyInstead(item.Update), cancellationToken);

    /// <summary>
    /// Any framing: <paramref name="writeItem"/> writes one whole event (its lines and the blank line after). The
    /// response starts with the first event or the first ping, so that <paramref name="answerInstead"/> may still
    /// answer the first event with a plain HTTP result (such as a 503) instead. A client that goes away ends the
    /// writing quietly, for every endpoint family: what it was following has stopped (or, for a resumable answer, goes
    /// on without it), and there is no one left to tell.
    /// </summary>
    public async Task WriteAsync<T>(
        IAsyncEnumerable<T> events,
        Action<PipeWriter, Utf8JsonWriter, T> writeItem,
        Func<T, IResult?> answerInstead,
        CancellationToken cancellationToken)
    {
        try
        {
            await WriteEventsAsync(events, writeItem, answerInstead, cancellationToken);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException && response.HttpContext.RequestAborted.IsCancellationRequested)
        {
        }
    }

    private async Task WriteEventsAsync<T>(
        IAsyncEnumerable<T> events,
        Action<PipeWriter, Utf8JsonWriter, T> writeItem,
        Func<T, IResult?> answerInstead,
        CancellationToken cancellationToken)
    {
        var body = response.BodyWriter;
        using var json = new Utf8JsonWriter(body, new JsonWriterOptions { Encoder = EdisonJson.Options.Encoder });
        await using var enumerator = events.GetAsyncEnumerator(cancellationToken);
        var next = enumerator.MoveNextAsync();
        long lastWrite = time.GetTimestamp();
        bool started = false;
        async Task StartOnceAsync()
        {
            if (!started)
            {
                started = true;
                await StartAsync(cancellationToken);
            }
        }

        // One timer at a time, measured from the last write: tokens do not each start one.
        Task? ping = null;
        while (true)
        {
            if (!next.IsCompleted)
            {
                var pending = next.AsTask();
                next = new ValueTask<bool>(pending);
                while (!pending.IsCompleted)
                {
                    ping ??= Task.Delay(TimeUntilPing(lastWrite), time, cancellationToken);
                    if (await Task.WhenAny(pending, ping) != ping)
                    {
                        break;
                    }

                    ping = null;
                    if (TimeUntilPing(lastWrite) == TimeSpan.Zero)
                    {
                        await StartOnceAsync();
                        body.Write(Ping);
                        await body.FlushAsync(cancellationToken);
                        lastWrite = time.GetTimestamp();
                    }
                }
            }

            if (!await next)
            {
                break;
            }

            if (!started && answerInstead(enumerator.Current) is { } instead)
            {
                await instead.ExecuteAsync(response.HttpContext);
                return;
            }

            await StartOnceAsync();
            json.Reset(body);
            writeItem(body, json, enumerator.Current);
            next = enumerator.MoveNextAsync();

            // Events that are already waiting go out in one flush (one write to the socket) instead of one each, but
            // never held for longer than a moment: a client still sees the answer grow token by token.
            if (!next.IsCompleted || time.GetElapsedTime(lastWrite) >= MaxHold)
            {
                await body.FlushAsync(cancellationToken);
                lastWrite = time.GetTimestamp();
            }
        }

        await StartOnceAsync();
        await body.FlushAsync(cancellationToken);
    }

    /// <summary>503 with Retry-After in the error shape of the endpoint family asked.</summary>
    public static IResult Busy(HttpContext context, string error, TimeSpan retryAfter)
    {
        context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        return ErrorResponse.For(context, error, StatusCodes.Status503ServiceUnavailable);
    }

    private Task StartAsync(CancellationToken cancellationToken)
    {
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        response.Headers.ContentEncoding = "identity";
        response.HttpContext.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        return response.StartAsync(cancellationToken);
    }

    private TimeSpan TimeUntilPing(long lastWrite)
    {
        var left = pingInterval - time.GetElapsedTime(lastWrite);
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }

    private IResult? BusyInstead(ChatResponseUpdate update) =>
        AnswerEnd.Of(update) is { RetryAfter: { } wait } done ? Busy(response.HttpContext, done.Error!, wait) : null;

    /// <summary>One event per content Edison's framing carries; a content it does not know is not sent.</summary>
    private static void WriteUpdate(PipeWriter body, Utf8JsonWriter json, ChatResponseUpdate update, int? id)
    {
        var contents = update.Contents;
        int last = -1;
        for (int i = 0; i < contents.Count; i++)
        {
            last = EventNameOf(contents[i]) is null ? last : i;
        }

        for (int i = 0; i <= last; i++)
        {
            if (EventNameOf(contents[i]) is not { } name)
            {
                continue;
            }

            if (id is { } number && i == last)
            {
                body.Write(IdPrefix);
                body.Write(Encoding.ASCII.GetBytes(number.ToString(CultureInfo.InvariantCulture)));
                body.Write(LineEnd);
            }

            body.Write(name);
            json.Reset(body);
            WriteData(json, contents[i]);
            json.Flush();
            body.Write(EventEnd);
        }
    }

    /// <summary>The <c>event:</c> and <c>data:</c> prefix a content is sent with; null for one Edison's framing does not carry.</summary>
    private static byte[]? EventNameOf(AIContent content) => content switch
    {
        TextContent => TokenPrefix,
        TextReasoningContent => ReasoningPrefix,
        FunctionCallContent => ToolCallPrefix,
        ToolRunContent { Run.AwaitingApproval: true } => ApprovalPrefix,
        ToolRunContent { Run.Ended: true } => ToolResultPrefix,
        AnswerEnd => DonePrefix,
        _ => null,
    };

    private static void WriteData(Utf8JsonWriter json, AIContent content)
    {
        switch (content)
        {
            case TextContent token:
                json.WriteStartObject();
                json.WriteString("t", token.Text);
                json.WriteEndObject();
                break;
            case TextReasoningContent thought:
                json.WriteStartObject();
                json.WriteString("r", thought.Text);
                json.WriteEndObject();
                break;
            case FunctionCallContent call:
                var made = FunctionCalls.FromContent(call);
                WriteCall(json, "call", made.Id, made.Name, made.Arguments);
                break;
            case ToolRunContent { Run: { AwaitingApproval: true } asked } waiting:
                WriteCall(json, "approval", asked.Id, asked.Name, asked.Arguments, waiting.ConversationId);
                break;
            case ToolRunContent { Run: var run }:
                json.WriteStartObject();
                json.WriteStartObject("result");
                json.WriteString("id", run.Id);
                json.WriteString("name", run.Name);
                json.WriteString(run.Error is null ? "content" : "error", run.Outcome);
                json.WriteEndObject();
                json.WriteEndObject();
                break;
            case AnswerEnd end:
                JsonSerializer.Serialize(json, end.Done, EdisonJson.Options);
                break;
        }
    }

    /// <summary>A call as the tool events carry it: <c>{"call"|"approval":{"id","name","arguments":{...}}}</c>, an approval with its conversation.</summary>
    /// <param name="conversation">For an approval: the conversation to name in <c>POST /chat/approve/{conversation_id}</c>.</param>
    private static void WriteCall(Utf8JsonWriter json, string kind, string id, string name, string arguments, Guid? conversation = null)
    {
        json.WriteStartObject();
        json.WriteStartObject(kind);
        json.WriteString("id", id);
        json.WriteString("name", name);
        json.WritePropertyName("arguments");
        json.WriteRawValue(arguments);
        json.WriteEndObject();
        if (conversation is { } named)
        {
            json.WriteString("conversation_id", named);
        }

        json.WriteEndObject();
    }
}
