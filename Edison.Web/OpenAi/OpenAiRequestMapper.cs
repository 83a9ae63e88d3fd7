using System.Text;
using System.Text.Json;
using Edison.Core.Chat;
using Edison.Core.Inference.Prompts;

namespace Edison.Web.OpenAi;

/// <summary>
/// Turns an OpenAI chat completions request into Edison's <see cref="ChatRequest"/>: system (and developer) messages
/// become the system prompt, the last message is the one answered (with its images), the rest is the history the
/// client keeps. What Edison cannot honour is a clear 400, never silently ignored.
/// </summary>
public static class OpenAiRequestMapper
{
    public static ChatRequest ToChatRequest(OpenAiChatRequest request)
    {
        if (request.Messages is not { Count: > 0 } messages)
        {
            throw new ChatRequestException("\"messages\" is required and must not be empty.");
        }

        if (request.N is > 1)
        {
            throw new ChatRequestException("\"n\" greater than 1 is not supported; Edison writes one answer per request.");
        }

        var system = new List<string>();
        var turns = new List<(ChatTurn Turn, IReadOnlyList<string> Images)>();
        for (int i = 0; i < messages.Count; i++)
        {
            var message = messages[i] ?? throw new ChatRequestException($"\"messages[{i}]\" must be a message object, not null.");
            var (text, images) = ReadContent(message.Content, $"messages[{i}].content");
            switch (message.Role)
            {
                case "system" or "developer":
                    system.Add(text);
                    break;
                case ChatTurn.User:
                    turns.Add((new ChatTurn(ChatTurn.User, text), images));
                    break;
                case ChatTurn.Assistant:
                    turns.Add((new ChatTurn(ChatTurn.Assistant, text) { ToolCalls = OpenAiToolMapper.ReadToolCalls(message.ToolCalls, $"messages[{i}].tool_calls") }, images));
                    break;
                case ChatTurn.Tool when message.ToolCallId is { Length: > 0 } callId:
                    turns.Add((new ChatTurn(ChatTurn.Tool, text) { ToolCallId = callId }, images));
                    break;
                case ChatTurn.Tool:
                    throw new ChatRequestException($"\"messages[{i}].tool_call_id\" is required: it names the call the tool message is the result of.");
                case null:
                    throw new ChatRequestException($"\"messages[{i}].role\" is required.");
                case "function":
                    throw new ChatRequestException($"\"messages[{i}].role\" is \"function\", OpenAI's retired form; send the result as a \"tool\" message with its \"tool_call_id\".");
                default:
                    throw new ChatRequestException($"\"messages[{i}].role\" must be one of system, developer, user, assistant and tool; \"{message.Role}\" is not one.");
            }
        }

        if (turns.Count == 0 || turns[^1].Turn.Role is not (ChatTurn.User or ChatTurn.Tool))
        {
            throw new ChatRequestException("The last message must be a user message, or the results of the tools the model called: it is what Edison answers.");
        }

        // Tool results are answered with the conversation they end; a user message is the one answered after it.
        var answered = turns[^1].Turn.Role == ChatTurn.User ? turns[^1] : (Turn: new ChatTurn(ChatTurn.User, string.Empty), Images: []);
        var history = turns[^1].Turn.Role == ChatTurn.User ? turns.Take(turns.Count - 1) : turns;
        if (history.Any(t => t.Images.Count > 0))
        {
            throw new ChatRequestException("Images are read from the last user message only.");
        }

        var tools = OpenAiToolMapper.ReadTools(request.Tools);
        return new ChatRequest(
            answered.Turn.Content,
            MaxTokens: request.MaxCompletionTokens ?? request.MaxTokens,
            Temperature: request.Temperature,
            Images: answered.Images.Count > 0 ? answered.Images : null)
        {
            History = [.. history.Select(t => t.Turn)],
            Tools = tools,
            ToolMode = OpenAiToolMapper.ReadToolChoice(request.ToolChoice, tools),
            ParallelToolCalls = request.ParallelToolCalls,
            SystemPrompt = system.Count > 0 ? string.Join("\n\n", system) : null,
            StopStrings = ReadStop(request.Stop),
            TopP = request.TopP,
            Seed = request.Seed,
            Think = request.Think ?? ThinkFor(request.ReasoningEffort),
            MaxReasoningTokens = request.MaxReasoningTokens,
        };
    }

    /// <summary>
    /// OpenAI's <c>reasoning_effort</c> as Edison can honour it: "none" answers without thinking, any other effort is
    /// the model's own (a local model's thinking has a budget, <c>max_reasoning_tokens</c>, not levels).
    /// </summary>
    private static bool? ThinkFor(string? effort) => effort switch
    {
        null or "minimal" or "low" or "medium" or "high" => null,
        "none" => false,
        _ => throw new ChatRequestException($"\"reasoning_effort\" must be one of none, minimal, low, medium, high; \"{effort}\" is not one."),
    };

    private static (string Text, IReadOnlyList<string> Images) ReadContent(JsonElement? content, string name)
    {
        switch (content?.ValueKind)
        {
            case JsonValueKind.String:
                return (content.Value.GetString()!, []);
            case JsonValueKind.Array:
                var text = new StringBuilder();
                var images = new List<string>();
                foreach (var part in content.Value.EnumerateArray())
                {
                    var type = part.ValueKind == JsonValueKind.Object && part.TryGetProperty("type", out var t) ? t.GetString() : null;
                    if (type == "text" && part.TryGetProperty("text", out var partText) && partText.ValueKind == JsonValueKind.String)
                    {
                        text.Append(text.Length > 0 ? "\n" : string.Empty).Append(partText.GetString());
                    }
                    else if (type == "image_url" && part.TryGetProperty("image_url", out var image)
                             && image.ValueKind == JsonValueKind.Object && image.TryGetProperty("url", out var url) && url.ValueKind == JsonValueKind.String)
                    {
                        images.Add(url.GetString()!);
                    }
                    else
                    {
                        throw new ChatRequestException($"\"{name}\" has a part Edison cannot read; use {{\"type\":\"text\",\"text\":...}} or {{\"type\":\"image_url\",\"image_url\":{{\"url\":\"data:image/png;base64,...\"}}}}.");
                    }
                }

                return (text.ToString(), images);
            case null or JsonValueKind.Null:
                return (string.Empty, []);
            default:
                throw new ChatRequestException($"\"{name}\" must be a string or a list of content parts.");
        }
    }

    /// <summary>OpenAI's own limit: up to four stop sequences, each short. They are checked on every token.</summary>
    private static IReadOnlyList<string>? ReadStop(JsonElement? stop)
    {
        const int maxStops = 4;
        const int maxLength = 64;
        IReadOnlyList<string>? stops = stop?.ValueKind switch
        {
            null or JsonValueKind.Null => null,
            JsonValueKind.String when stop.Value.GetString()!.Length > 0 => [stop.Value.GetString()!],
            JsonValueKind.Array when stop.Value.EnumerateArray().All(s => s.ValueKind == JsonValueKind.String && s.GetString()!.Length > 0) =>
                stop.Value.EnumerateArray().Select(s => s.GetString()!).ToList(),
            _ => throw new ChatRequestException("\"stop\" must be a non-empty string or a list of them: an empty one would end every answer before it starts."),
        };
        if (stops is { Count: > maxStops })
        {
            throw new ChatRequestException($"\"stop\" has {stops.Count} sequences; Edison takes at most {maxStops}.");
        }

        if (stops?.FirstOrDefault(s => s.Length > maxLength) is { } tooLong)
        {
            throw new ChatRequestException($"A \"stop\" sequence is {tooLong.Length} characters long; Edison takes at most {maxLength}.");
        }

        return stops;
    }
}
