using System.Text.Json;
using Edison.Core.Chat;
using Edison.Core.Inference.Tools;
using Microsoft.Extensions.AI;

namespace Edison.Web.OpenAi;

/// <summary>
/// OpenAI's function calling as Edison reads it: the <c>tools</c> offered, <c>tool_choice</c>, the calls of assistant
/// messages, and back, the calls the model made in OpenAI's shape. What OpenAI would refuse is a clear 400 here too.
/// </summary>
public static class OpenAiToolMapper
{
    /// <summary>OpenAI's own limit on tools in one request.</summary>
    private const int MaxTools = 128;

    private static readonly JsonElement NoParameters = JsonDocument.Parse("""{"type":"object","properties":{}}""").RootElement.Clone();

    public static IReadOnlyList<AIFunctionDeclaration>? ReadTools(IReadOnlyList<OpenAiTool?>? tools)
    {
        if (tools is null)
        {
            return null;
        }

        if (tools.Count > MaxTools)
        {
            throw new ChatRequestException($"\"tools\" has {tools.Count} functions; Edison takes at most {MaxTools}.");
        }

        var read = new List<AIFunctionDeclaration>(tools.Count);
        for (int i = 0; i < tools.Count; i++)
        {
            if (tools[i] is not { Type: "function", Function: { } function })
            {
                throw new ChatRequestException($"\"tools[{i}]\" must be {{\"type\":\"function\",\"function\":{{\"name\":...,\"parameters\":{{...}}}}}}; only functions can be offered.");
            }

            string name = FunctionName(function.Name, $"tools[{i}].function.name");
            if (read.Any(tool => tool.Name == name))
            {
                throw new ChatRequestException($"\"tools\" offers the function \"{name}\" twice.");
            }

            var parameters = function.Parameters is { ValueKind: not JsonValueKind.Null } given ? given : NoParameters;
            // A function's arguments are an object, as OpenAI requires: a schema for anything else names no arguments.
            if (parameters.ValueKind != JsonValueKind.Object
                || (parameters.TryGetProperty("type", out var type) && !(type.ValueKind == JsonValueKind.String && type.GetString() == "object")))
            {
                throw new ChatRequestException($"\"tools[{i}].function.parameters\" must be a JSON schema of type \"object\".");
            }

            read.Add(AIFunctionFactory.CreateDeclaration(name, function.Description, parameters.Clone()));
        }

        return read;
    }

    /// <summary><c>"auto"</c>, <c>"none"</c>, <c>"required"</c>, or <c>{"type":"function","function":{"name":...}}</c> naming an offered function.</summary>
    public static ChatToolMode? ReadToolChoice(JsonElement? choice, IReadOnlyList<AIFunctionDeclaration>? tools)
    {
        ChatToolMode? mode = choice switch
        {
            null or { ValueKind: JsonValueKind.Null } => null,
            { ValueKind: JsonValueKind.String } text when text.GetString() == "auto" => ChatToolMode.Auto,
            { ValueKind: JsonValueKind.String } text when text.GetString() == "none" => ChatToolMode.None,
            { ValueKind: JsonValueKind.String } text when text.GetString() == "required" => ChatToolMode.RequireAny,
            { ValueKind: JsonValueKind.Object } named when named.TryGetProperty("function", out var called) && called.ValueKind == JsonValueKind.Object
                && called.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String =>
                ChatToolMode.RequireSpecific(name.GetString()!),
            _ => throw new ChatRequestException("\"tool_choice\" must be \"auto\", \"none\", \"required\" or {\"type\":\"function\",\"function\":{\"name\":...}}."),
        };
        if (mode is RequiredChatToolMode required && tools is not { Count: > 0 })
        {
            throw new ChatRequestException("\"tool_choice\" asks for a call, but \"tools\" offers no function.");
        }

        if (mode is RequiredChatToolMode { RequiredFunctionName: { } function } && !tools!.Any(tool => tool.Name == function))
        {
            throw new ChatRequestException($"\"tool_choice\" names the function \"{function}\", which \"tools\" does not offer.");
        }

        return mode;
    }

    /// <summary>The calls of an assistant message in the history; their arguments must be a JSON object, as a string.</summary>
    public static IReadOnlyList<ToolCall> ReadToolCalls(IReadOnlyList<OpenAiToolCall?>? calls, string name)
    {
        if (calls is null)
        {
            return [];
        }

        var read = new List<ToolCall>(calls.Count);
        for (int i = 0; i < calls.Count; i++)
        {
            if (calls[i] is not { Id: { Length: > 0 } id, Function: { } function } || calls[i]!.Type is not (null or "function"))
            {
                throw new ChatRequestException($"\"{name}[{i}]\" must be {{\"id\":...,\"type\":\"function\",\"function\":{{\"name\":...,\"arguments\":\"{{...}}\"}}}}.");
            }

            read.Add(new ToolCall(id, FunctionName(function.Name, $"{name}[{i}].function.name"), Arguments(function.Arguments, $"{name}[{i}].function.arguments")));
        }

        return read;
    }

    /// <summary>The calls the model made, as OpenAI writes them in a message.</summary>
    public static IReadOnlyList<OpenAiToolCall>? Write(IReadOnlyList<ToolCall>? calls) =>
        calls is null ? null : [.. calls.Select(call => new OpenAiToolCall(call.Id, "function", new OpenAiFunctionCall(call.Name, call.Arguments)))];

    private static string FunctionName(string? name, string field) =>
        OfferedTools.IsName(name)
            ? name
            : throw new ChatRequestException($"\"{field}\" must be 1 to 64 letters, digits, underscores and dashes.");

    private static string Arguments(string? arguments, string field)
    {
        try
        {
            using var json = JsonDocument.Parse(string.IsNullOrWhiteSpace(arguments) ? "{}" : arguments);
            return json.RootElement.ValueKind == JsonValueKind.Object
                ? json.RootElement.GetRawText()
                : throw new ChatRequestException($"\"{field}\" must be a JSON object, written as a string.");
        }
        catch (JsonException)
        {
            throw new ChatRequestException($"\"{field}\" must be a JSON object, written as a string; it is not valid JSON.");
        }
    }

}
