using System.Buffers;
using System.Text;
using System.Text.Unicode;
using System.Text.Json;

namespace Edison.Core.Chat;

/// <summary>
/// Finds text in a JSON body that is not Unicode: a <c>\ud800</c> escape with no partner is valid JSON, and bytes that
/// are not UTF-8 pass the JSON reader, but no .NET string can hold either (System.Text.Json throws when asked for it,
/// wherever a field is read), so a body is checked once, before any field of it is read.
/// </summary>
public static class NonUnicodeText
{
    /// <summary>Throws <see cref="ChatRequestException"/> naming the first field that holds such text; JSON that is otherwise malformed is left to its reader.</summary>
    public static void Refuse(ReadOnlySpan<byte> json)
    {
        if (FindIn(json) is { } path)
        {
            var where = path == "$" ? "The request body" : $"\"{path[2..]}\"";
            throw new ChatRequestException($"{where} holds text that is not valid Unicode (an unpaired surrogate such as \\ud800, or bytes that are not UTF-8); send well-formed text.");
        }
    }

    /// <summary>The JSON path (<c>$.messages[0].content</c>) of the first string or field name that is not valid Unicode; null when there is none.</summary>
    public static string? FindIn(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        var path = new List<(bool IsArray, string? Name, int Index)>();
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        NextElement(path);
                        path.Add((reader.TokenType == JsonTokenType.StartArray, null, -1));
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        path.RemoveAt(path.Count - 1);
                        break;
                    case JsonTokenType.PropertyName:
                        if (!IsUnicode(ref reader))
                        {
                            return Describe(path) + ".?";
                        }

                        path[^1] = (false, reader.GetString(), -1);
                        break;
                    default:
                        NextElement(path);
                        if (reader.TokenType == JsonTokenType.String && !IsUnicode(ref reader))
                        {
                            return Describe(path);
                        }

                        break;
                }
            }
        }
        catch (JsonException)
        {
        }

        return null;
    }

    private static bool IsUnicode(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped)
        {
            return Utf8.IsValid(reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan);
        }

        try
        {
            reader.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static void NextElement(List<(bool IsArray, string? Name, int Index)> path)
    {
        if (path.Count > 0 && path[^1].IsArray)
        {
            path[^1] = path[^1] with { Index = path[^1].Index + 1 };
        }
    }

    private static string Describe(List<(bool IsArray, string? Name, int Index)> path)
    {
        var text = new StringBuilder("$");
        foreach (var (isArray, name, index) in path)
        {
            if (isArray)
            {
                text.Append('[').Append(index).Append(']');
            }
            else if (name is not null)
            {
                text.Append('.').Append(name);
            }
        }

        return text.ToString();
    }
}
