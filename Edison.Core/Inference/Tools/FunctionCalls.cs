using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Edison.Core.Inference.Tools;

/// <summary>A <see cref="ToolCall"/> as Microsoft.Extensions.AI carries one (<see cref="FunctionCallContent"/>), and back.</summary>
public static class FunctionCalls
{
    private static readonly JsonSerializerOptions Arguments = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static FunctionCallContent ToContent(ToolCall call) =>
        FunctionCallContent.CreateFromParsedArguments(call.Arguments, call.Id, call.Name, ParseArguments);

    public static ToolCall FromContent(FunctionCallContent call) =>
        new(call.CallId, call.Name, JsonSerializer.Serialize(call.Arguments ?? new Dictionary<string, object?>(), Arguments));

    /// <summary>A function's result as the text the model reads: a string as it is, any other JSON as JSON.</summary>
    public static string ResultText(object? result) => result switch
    {
        null => string.Empty,
        string text => text,
        JsonElement { ValueKind: JsonValueKind.String } json => json.GetString()!,
        JsonElement json => json.GetRawText(),
        _ => result.ToString() ?? string.Empty,
    };

    private static Dictionary<string, object?>? ParseArguments(string arguments) =>
        JsonSerializer.Deserialize<Dictionary<string, object?>>(arguments);
}
