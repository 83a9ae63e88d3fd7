using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Edison.Core.Inference.Tools;

/// <summary>
/// JSON as chat templates write it with Jinja's <c>tojson</c> (Python's <c>json.dumps</c>): <c>", "</c> between items and
/// <c>": "</c> after keys, non-ASCII kept. Models were trained on tool schemas in this shape.
/// </summary>
public static class TemplateJson
{
    private static readonly JsonSerializerOptions Strings = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Write(JsonElement value)
    {
        var text = new StringBuilder();
        Write(value, text);
        return text.ToString();
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

    private static void Write(JsonElement value, StringBuilder text)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                text.Append('{');
                bool first = true;
                foreach (var property in value.EnumerateObject())
                {
                    text.Append(first ? "" : ", ").Append(String(property.Name)).Append(": ");
                    Write(property.Value, text);
                    first = false;
                }

                text.Append('}');
                break;
            case JsonValueKind.Array:
                text.Append('[');
                int i = 0;
                foreach (var item in value.EnumerateArray())
                {
                    text.Append(i++ == 0 ? "" : ", ");
                    Write(item, text);
                }

                text.Append(']');
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
