using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Edison.Web.Endpoints;

/// <summary>What a request's JSON field holds, found from the wire type by its JSON path, and said in JSON's words.</summary>
public static class JsonFields
{
    /// <summary>The .NET type behind a path such as <c>$.messages[0].role</c>, or null when the path leads nowhere known.</summary>
    public static Type? TypeAt(Type root, string path)
    {
        if (!path.StartsWith('$'))
        {
            return null;
        }

        var type = root;
        int at = 1;
        while (at < path.Length)
        {
            if (path[at] == '[')
            {
                int end = path.IndexOf(']', at);
                type = end < 0 ? null : ElementType(type);
                at = end + 1;
            }
            else if (path[at] == '.')
            {
                int end = path.IndexOfAny(['.', '['], at + 1);
                var name = end < 0 ? path[(at + 1)..] : path[(at + 1)..end];
                type = Property(type, name);
                at = end < 0 ? path.Length : end;
            }
            else
            {
                return null;
            }

            if (type is null)
            {
                return null;
            }
        }

        return type;
    }

    public static string Describe(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string))
        {
            return "a string";
        }

        if (type == typeof(bool))
        {
            return "true or false";
        }

        if (type == typeof(int))
        {
            return $"a whole number (at most {int.MaxValue})";
        }

        if (type == typeof(uint))
        {
            return $"a whole number from 0 to {uint.MaxValue}";
        }

        if (type == typeof(long))
        {
            return $"a whole number (at most {long.MaxValue})";
        }

        if (type == typeof(float) || type == typeof(double) || type == typeof(decimal))
        {
            return "a number";
        }

        if (type == typeof(JsonElement))
        {
            return "a JSON value";
        }

        return ElementType(type) is { } element ? $"a list of {Plural(element)}" : "a JSON object";
    }

    private static string Plural(Type element) => Describe(element) switch
    {
        "a string" => "strings",
        var one when one.StartsWith("a whole number", StringComparison.Ordinal) => "whole numbers",
        "a number" => "numbers",
        "true or false" => "true or false values",
        _ => "objects",
    };

    private static Type? ElementType(Type type) =>
        type == typeof(string) ? null
        : type.IsArray ? type.GetElementType()
        : type.GetInterfaces().Append(type).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))?.GetGenericArguments()[0];

    private static Type? Property(Type type, string jsonName) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetCustomAttribute<JsonIgnoreAttribute>() is not { Condition: JsonIgnoreCondition.Always })
            .FirstOrDefault(p => string.Equals(
                p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? JsonNamingPolicy.SnakeCaseLower.ConvertName(p.Name),
                jsonName,
                StringComparison.OrdinalIgnoreCase))
            ?.PropertyType;
}
