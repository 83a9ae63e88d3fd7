using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace Edison.Core.Inference.Tools;

/// <summary>
/// JSON as chat templates write it with Jinja's <c>tojson</c> (Python's <c>json.dumps</c>): <c>", "</c> between items and
/// <c>": "</c> after keys, non-ASCII kept. Models were trained on tool schemas in this shape.
/// </summary>
public static class TemplateJson
{
    private static readonly JsonSerializerOptions Strings = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <param name="indent">Spaces per level, as <c>tojson(indent=4)</c> writes it; 0 for one line.</param>
    public static string Write(JsonElement value, int indent = 0)
    {
        var text = new StringBuilder();
        Write(value, text, indent, 1);
        return text.ToString();
    }

    /// <summary>A tool as templates list one: <c>{"type": "function", "function": {"name", "description", "parameters"}}</c>.</summary>
    public static JsonElement Tool(AIFunctionDeclaration tool)
    {
        var function = new JsonObject { ["name"] = tool.Name };
        if (!string.IsNullOrEmpty(tool.Description))
        {
            function["description"] = tool.Description;
        }

        function["parameters"] = JsonNode.Parse(tool.JsonSchema.GetRawText());
        return JsonSerializer.SerializeToElement(new JsonObject { ["type"] = "function", ["function"] = function });
    }

    /// <summary>JSON text written again in the template's shape; text that is not JSON is kept as it is.</summary>
    public static string Reformat(string json)
    {
        try
        {
            using var parsed = JsonDocument.Parse(json);
            return Write(parsed.RootElement);
        }
        catch (JsonException)
        {
            return json;
        }
    }

    public static string String(string value) => JsonSerializer.Serialize(value, Strings);

    private static void Write(JsonElement value, StringBuilder text, int indent, int depth)
    {
        // Python writes "," and a new line between items when it indents, ", " when it does not; empty ones stay "{}".
        string between = indent == 0 ? ", " : ",\n" + new string(' ', indent * depth);
        string open = indent == 0 ? "" : "\n" + new string(' ', indent * depth);
        string close = indent == 0 ? "" : "\n" + new string(' ', indent * (depth - 1));
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                text.Append('{');
                bool first = true;
                foreach (var property in value.EnumerateObject())
                {
                    text.Append(first ? open : between).Append(String(property.Name)).Append(": ");
                    Write(property.Value, text, indent, depth + 1);
                    first = false;
                }

                text.Append(first ? "" : close).Append('}');
                break;
            case JsonValueKind.Array:
                text.Append('[');
                int i = 0;
                foreach (var item in value.EnumerateArray())
                {
                    text.Append(i++ == 0 ? open : between);
                    Write(item, text, indent, depth + 1);
                }

                text.Append(i == 0 ? "" : close).Append(']');
                break;
            case JsonValueKind.String:
                text.Append(String(value.GetString()!));
                break;
            default:
                text.Append(value.GetRawText());
                break;
        }
    }
}
