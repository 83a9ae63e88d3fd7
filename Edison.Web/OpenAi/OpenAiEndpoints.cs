using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Edison.Core.Chat;
using Edison.Core.Inference.Models;
using Edison.Core.Inference.Prompts;
using Edison.Core.Inference.Tools;
using Edison.Core.Replies;
using Edison.Web.Access;
using Edison.Web.Endpoints;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace Edison.Web.OpenAi;

/// <summary>
/// OpenAI-compatible <c>GET /v1/models</c> and <c>POST /v1/chat/completions</c> (streamed and not), following the same
/// <see cref="Answer"/> as Edison's own endpoints, so tools that speak OpenAI's API work unchanged.
/// </summary>
public static class OpenAiEndpoints
{
    private static readonly byte[] DataPrefix = "data: "u8.ToArray();
    private static readonly byte[] EventEnd = "\n\n"u8.ToArray();
    private static readonly byte[] DoneLine = "data: [DONE]\n\n"u8.ToArray();

    public static IEndpointRouteBuilder MapEdisonOpenAi(this IEndpointRouteBuilder endpoints)
    {
        var v1 = endpoints.MapGroup("/v1").AddEndpointFilter<ChatRequestErrorFilter>().RequireCors(AccessExtensions.BrowserClients);
        v1.MapGet("/models", ListModels);
        v1.MapPost("/chat/completions", CompleteAsync).RequireRateLimiting(AccessExtensions.GenerationLimit);
        return endpoints;
    }

    private static IResult ListModels(IChatModelSource models) =>
        models.Model is { } model
            ? TypedResults.Json(new OpenAiModelList([new OpenAiModel(model.Name, model.LoadedAt.ToUnixTimeSeconds(), "edison")]), EdisonJson.Options)
            : Error("The model is still loading; try again in a moment.", StatusCodes.Status503ServiceUnavailable);

    private static async Task<IResult> CompleteAsync(
        HttpContext http,
        ChatRequestReader reader,
        Answers answers,
        IChatModelSource models,
        IOptions<ChatLimits> options,
        TimeProvider time)
    {
        var request = await reader.ReadAsync<OpenAiChatRequest>(http.Request, http.RequestAborted);
        var answer = await answers.StartAsync(OpenAiRequestMapper.ToChatRequest(request), AnswerOwner.Client, http.RequestAborted);
        var completion = new CompletionId($"chatcmpl-{Guid.NewGuid():N}", time.GetUtcNow().ToUnixTimeSeconds(), models.Model?.Name ?? "edison");
        if (request.Stream != true)
        {
            var done = await answer.Ended;
            if (done.RetryAfter is { } wait)
            {
                return ServerSentEventWriter.Busy(http, done.Error!, wait);
            }

            if (!done.Ok)
            {
                return Error(done.Error ?? "The answer was stopped.", StatusCodes.Status500InternalServerError);
            }

            var usage = Usage(done.Usage);
            var message = new OpenAiResponseMessage(
                ChatTurn.Assistant,
                done is { ToolCalls: not null, Response: "" } ? null : done.Response,
                done.Reasoning,
                OpenAiToolMapper.Write(done.ToolCalls));
            var choice = new OpenAiChoice(0, message, done.FinishReason ?? "stop");
            return TypedResults.Json(new OpenAiCompletion(completion.Id, completion.Created, completion.Model, [choice], usage), EdisonJson.Options);
        }

        var writer = new ServerSentEventWriter(http.Response, options.Value.PingInterval, time);
        var updates = answer.ReadAsync(0, http.RequestAborted).Select(numbered => numbered.Update);
        var chunks = ChunksAsync(updates, completion, request.StreamOptions?.IncludeUsage == true, http.RequestAborted);
        await writer.WriteAsync(
            chunks,
            WriteFrame,
            frame => frame is ChatDone { RetryAfter: { } wait } busy ? ServerSentEventWriter.Busy(http, busy.Error!, wait) : null,
            http.RequestAborted);
        return TypedResults.Empty;
    }

    /// <summary>
    /// OpenAI's stream: a first chunk with the role, one chunk per token, two per call the model made (its index, id
    /// and name, then its arguments), a last chunk with the finish reason, a usage chunk when asked for, then
    /// <c>[DONE]</c>. A failure mid-answer is an error object, as OpenAI sends it. The role
    /// chunk waits for the first event: if that says Edison is too busy, it is passed on alone, to be answered 503.
    /// </summary>
    private static async IAsyncEnumerable<object> ChunksAsync(
        IAsyncEnumerable<ChatResponseUpdate> updates,
        CompletionId completion,
        bool includeUsage,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        bool opened = false;
        int calls = 0;
        await foreach (var update in updates.WithCancellation(cancellationToken))
        {
            if (!opened)
            {
                if (AnswerEnd.Of(update) is { RetryAfter: not null } busy)
                {
                    yield return busy;
                    yield break;
                }

                opened = true;
                yield return Chunk(completion, new OpenAiDelta(ChatTurn.Assistant, string.Empty), null);
            }

            foreach (var content in update.Contents)
            {
                switch (content)
                {
                    case TextContent token:
                        yield return Chunk(completion, new OpenAiDelta(null, token.Text), null);
                        break;
                    case TextReasoningContent thought:
                        yield return Chunk(completion, new OpenAiDelta(null, null, thought.Text), null);
                        break;
                    case FunctionCallContent function:
                        var call = FunctionCalls.FromContent(function);
                        yield return Chunk(completion, new OpenAiDelta(null, null, ToolCalls: [new OpenAiToolCallDelta(calls, call.Id, "function", new OpenAiFunctionCall(call.Name, ""))]), null);
                        yield return Chunk(completion, new OpenAiDelta(null, null, ToolCalls: [new OpenAiToolCallDelta(calls++, null, null, new OpenAiFunctionCall(null, call.Arguments))]), null);
                        break;
                    case AnswerEnd { Done: { Ok: true } done }:
                        yield return Chunk(completion, new OpenAiDelta(null, null), done.FinishReason);
                        if (includeUsage)
                        {
                            yield return new OpenAiChunk(completion.Id, completion.Created, completion.Model, [], Usage(done.Usage));
                        }

                        yield return Done.Instance;
                        break;
                    case AnswerEnd { Done.Stopped: true }:
                        yield break;
                    case AnswerEnd { Done: var done }:
                        yield return new OpenAiError(new OpenAiErrorBody(done.Error ?? "The answer failed.", "server_error"));
                        break;
                }
            }
        }
    }

    private static void WriteFrame(PipeWriter body, Utf8JsonWriter json, object frame)
    {
        if (frame is Done)
        {
            body.Write(DoneLine);
            return;
        }

        body.Write(DataPrefix);
        JsonSerializer.Serialize(json, frame, frame.GetType(), EdisonJson.Options);
        json.Flush();
        body.Write(EventEnd);
    }

    private static OpenAiChunk Chunk(CompletionId completion, OpenAiDelta delta, string? finishReason) =>
        new(completion.Id, completion.Created, completion.Model, [new OpenAiChunkChoice(0, delta, finishReason)]);

    private static OpenAiUsage Usage(ChatUsage? usage) => new(
        usage?.PromptTokens ?? 0,
        usage?.CompletionTokens ?? 0,
        (usage?.PromptTokens ?? 0) + (usage?.CompletionTokens ?? 0),
        new OpenAiPromptTokensDetails(usage?.CachedTokens ?? 0),
        usage?.ReasoningTokens is { } reasoning ? new OpenAiCompletionTokensDetails(reasoning) : null);

    /// <summary>An OpenAI error object; its type follows from the status, as OpenAI's do.</summary>
    internal static IResult Error(string message, int status, string? code = null) =>
        TypedResults.Json(new OpenAiError(new OpenAiErrorBody(message, ErrorType(status), Code: code)), EdisonJson.Options, statusCode: status);

    private static string ErrorType(int status) => status switch
    {
        StatusCodes.Status413PayloadTooLarge => "request_too_large",
        StatusCodes.Status429TooManyRequests => "rate_limit_exceeded",
        StatusCodes.Status503ServiceUnavailable => "service_unavailable",
        >= 500 => "server_error",
        _ => "invalid_request_error",
    };

    private sealed record CompletionId(string Id, long Created, string Model);

    private sealed class Done
    {
        public static readonly Done Instance = new();
    }
}
