using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Edison.Tests.TestSupport;

/// <summary>
/// An OpenAI-compatible server whose model uses tools: offered the tool it is set to call, it calls it; given the call's
/// result, it answers "The result is …" with the result in it. Every request it received is kept.
/// </summary>
public sealed class FakeToolModel : IAsyncDisposable
{
    private WebApplication _app = null!;

    public string Url { get; private set; } = null!;

    /// <summary>The tool it calls and the arguments it calls it with (a JSON object).</summary>
    public (string Name, string Arguments) Call { get; set; } = ("calculator", """{"expression":"2^64 + 0.1"}""");

    public ConcurrentQueue<JsonElement> Requests { get; } = new();

    public static async Task<FakeToolModel> StartAsync()
    {
        var model = new FakeToolModel();
        (model._app, model.Url) = await LoopbackServer.StartAsync(app => app.MapPost("/v1/chat/completions", model.AnswerAsync));
        return model;
    }

    /// <summary>The names of the tools a request offered.</summary>
    public static IReadOnlyList<string> ToolsOf(JsonElement request) =>
        request.TryGetProperty("tools", out var tools) ? [.. tools.EnumerateArray().Select(t => t.GetProperty("function").GetProperty("name").GetString()!)] : [];

    private async Task AnswerAsync(HttpContext context)
    {
        var request = await JsonSerializer.DeserializeAsync<JsonElement>(context.Request.Body);
        Requests.Enqueue(request);
        var last = request.GetProperty("messages").EnumerateArray().Last();
        context.Response.ContentType = "text/event-stream";
        if (last.GetProperty("role").GetString() == "tool")
        {
            await ChunkAsync(context, JsonSerializer.Serialize(new { content = $"The result is {last.GetProperty("content").GetString()}." }), null);
            await ChunkAsync(context, "{}", "stop");
            await UsageAsync(context, AnswerTokens);
        }
        else if (ToolsOf(request).Contains(Call.Name))
        {
            var call = JsonSerializer.Serialize(new
            {
                tool_calls = new[] { new { index = 0, id = $"call_{Requests.Count}", type = "function", function = new { name = Call.Name, arguments = Call.Arguments } } },
            });
            await ChunkAsync(context, call, null);
            await ChunkAsync(context, "{}", "tool_calls");
            await UsageAsync(context, CallTokens);
        }
        else
        {
            await ChunkAsync(context, """{"content":"I have no tools."}""", null);
            await ChunkAsync(context, "{}", "stop");
            await UsageAsync(context, AnswerTokens);
        }

        await context.Response.WriteAsync("data: [DONE]\n\n");
    }

    /// <summary>The prompt tokens every round reports.</summary>
    public const int PromptTokens = 40;

    /// <summary>The completion tokens a round that calls a tool reports.</summary>
    public const int CallTokens = 7;

    /// <summary>The completion tokens a round that answers reports.</summary>
    public const int AnswerTokens = 9;

    /// <summary>What the round took, as OpenAI's streams end.</summary>
    private static Task UsageAsync(HttpContext context, int completion) =>
        context.Response.WriteAsync(
            $"data: {{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"m\",\"choices\":[],\"usage\":{{\"prompt_tokens\":{PromptTokens},\"completion_tokens\":{completion},\"total_tokens\":{PromptTokens + completion}}}}}\n\n");

    private static Task ChunkAsync(HttpContext context, string delta, string? finish) =>
        context.Response.WriteAsync(
            $"data: {{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"m\",\"choices\":[{{\"index\":0,\"delta\":{delta},\"finish_reason\":{(finish is null ? "null" : $"\"{finish}\"")}}}]}}\n\n");

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
