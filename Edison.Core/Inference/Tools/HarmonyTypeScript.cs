using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Edison.Core.Inference.Tools;

/// <summary>
/// Tools as gpt-oss reads them: TypeScript function types in a <c>functions</c> namespace, each JSON schema written
/// as gpt-oss's own template writes it (its quirks kept: <c>anyOf</c> is <c>any</c>, a union of objects is
/// <c>any</c>, a long item type makes <c>any[]</c>), since that is what the model was trained on.
/// </summary>
public static class HarmonyTypeScript
{
    private const int LongestItemType = 50;

    /// <summary>The namespace, from <c>## functions</c> to its closing comment.</summary>
    public static string Namespace(IEnumerable<AIFunctionDeclaration> tools)
    {
        var text = new StringBuilder("## functions\n\nnamespace functions {\n\n");
        foreach (var tool in tools)
        {
            text.Append("// ").Append(tool.Description).Append('\n').Append("type ").Append(tool.Name).Append(" = ");
            var schema = tool.JsonSchema;
            if (!schema.TryGetProperty("properties", out var properties) || properties.ValueKind != JsonValueKind.Object || !properties.EnumerateObject().Any())
            {
                text.Append("() => any;\n\n");
                continue;
            }

            var required = Required(schema);
            text.Append("(_: {\n");
            foreach (var property in properties.EnumerateObject())
            {
                if (property.Value.ValueKind == JsonValueKind.Object && property.Value.TryGetProperty("description", out var description)
                    && description.ValueKind == JsonValueKind.String)
                {
                    text.Append("// ").Append(description.GetString()).Append('\n');
                }

                text.Append(property.Name).Append(required.Contains(property.Name) ? "" : "?").Append(": ").Append(Type(property.Value));
                if (property.Value.ValueKind == JsonValueKind.Object && property.Value.TryGetProperty("default", out var value))
                {
                    text.Append(property.Value.TryGetProperty("enum", out _) ? ", // default: " + Plain(value)
                        : property.Value.TryGetProperty("oneOf", out _) ? "// default: " + Plain(value)
                        : ", // default: " + TemplateJson.Write(value));
                }

                text.Append(",\n");
            }

            text.Append("}) => any;\n\n");
        }

        return text.Append("} // namespace functions").ToString();
    }

    /// <summary>A schema's type in TypeScript, as the template's <c>render_typescript_type</c> writes it.</summary>
    public static string Type(JsonElement schema)
    {
        if (schema.ValueKind != JsonValueKind.Object)
        {
            return "any";
        }

        bool nullable = schema.TryGetProperty("nullable", out var isNullable) && isNullable.ValueKind == JsonValueKind.True;
        schema.TryGetProperty("type", out var type);
        switch (type.ValueKind)
        {
            case JsonValueKind.Array when type.GetArrayLength() > 0:
                return string.Join(" | ", type.EnumerateArray().Select(Plain));
            case JsonValueKind.String:
                break;
            default:
                return schema.TryGetProperty("oneOf", out var oneOf) && oneOf.ValueKind == JsonValueKind.Array ? Union(oneOf) : "any";
        }

        switch (type.GetString())
        {
            case "array":
                var items = schema.TryGetProperty("items", out var item) && item.ValueKind == JsonValueKind.Object ? ItemType(item) + "[]" : "any[]";
                return nullable ? items + " | null" : items;
            case "string" when schema.TryGetProperty("enum", out var values) && values.ValueKind == JsonValueKind.Array && values.GetArrayLength() > 0:
                return "\"" + string.Join("\" | \"", values.EnumerateArray().Select(Plain)) + "\"";
            case "string":
                return nullable ? "string | null" : "string";
            case "number" or "integer":
                return "number";
            case "boolean":
                return "boolean";
            case "object" when schema.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object
                               && properties.EnumerateObject().Any():
                var required = Required(schema);
                return "{\n" + string.Join(", ", properties.EnumerateObject().Select(p => p.Name + (required.Contains(p.Name) ? "" : "?") + ": " + Type(p.Value))) + "}";
            case "object":
                return "object";
            default:
                return "any";
        }
    }

    private static string ItemType(JsonElement items)
    {
        var type = items.TryGetProperty("type", out var named) && named.ValueKind == JsonValueKind.String ? named.GetString() : null;
        if (type is "string" or "number" or "boolean")
        {
            return type;
        }

        if (type == "integer")
        {
            return "number";
        }

        var inner = Type(items);
        return inner == "object | object" || inner.Length > LongestItemType ? "any" : inner;
    }

    private static string Union(JsonElement variants)
    {
        var all = variants.EnumerateArray().ToList();
        bool objects = all.Any(v => v.ValueKind == JsonValueKind.Object && v.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String && t.GetString() == "object");
        return objects && all.Count > 1 ? "any" : string.Join(" | ", all.Select(Type));
    }

    private static HashSet<string> Required(JsonElement schema) =>
        schema.TryGetProperty("required", out var required) && required.ValueKind == JsonValueKind.Array
            ? [.. required.EnumerateArray().Where(name => name.ValueKind == JsonValueKind.String).Select(name => name.GetString()!)]
            : [];

    /// <summary>A value as Jinja prints it in text: a string as it is, anything else as JSON.</summary>
    private static string Plain(JsonElement value) => value.ValueKind == JsonValueKind.String ? value.GetString()! : TemplateJson.Write(value);
}
