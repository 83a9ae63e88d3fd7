using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Edison.Core.Inference.Tools;

/// <summary>
/// GBNF rules (llama.cpp's grammar format) for JSON that fits a JSON schema: what the sampler may write once a model
/// calls a tool, so that a call is always JSON, and arguments the tool's schema allows. Covers what function schemas
/// use: types (one or several), properties with required and optional ones in their declared order, enum and const,
/// anyOf and oneOf, arrays with item counts, string lengths, and local references (<c>#/$defs/…</c>). A keyword it does
/// not read (a pattern, a number's range) is left to the tool to check: the value is still well-formed JSON of its type.
/// </summary>
public sealed class JsonSchemaGrammar
{
    /// <summary>
    /// White space after a colon or a comma: one space, as Python's <c>json.dumps</c> writes it and so as models write
    /// JSON, or none. Nowhere else: a model that writes nonsense cannot pad a call with white space, and every other
    /// place takes only the one character JSON needs there.
    /// </summary>
    public const string Space = "space";

    private const int LongestNumber = 15;

    /// <summary>The largest length or item count a grammar spells out (see <see cref="Bounds"/>).</summary>
    private const int LargestCount = 256;

    private static readonly Dictionary<string, string> Primitives = new(StringComparer.Ordinal)
    {
        [Space] = "\" \"?",
        ["json-char"] = "[^\"\\\\\\x7F\\x00-\\x1F] | [\\\\] ([\"\\\\/bfnrt] | \"u\" [0-9a-fA-F]{4})",
        ["json-string"] = "\"\\\"\" json-char* \"\\\"\"",
        ["json-integer"] = $"\"-\"? ([0-9] | [1-9] [0-9]{{1,{LongestNumber}}})",
        ["json-number"] = $"\"-\"? ([0-9] | [1-9] [0-9]{{1,{LongestNumber}}}) (\".\" [0-9]{{1,{LongestNumber}}})? ([eE] [-+]? [0-9]{{1,3}})?",
        ["json-boolean"] = "\"true\" | \"false\"",
        ["json-null"] = "\"null\"",
        ["json-value"] = "json-object | json-array | json-string | json-number | json-boolean | json-null",
        ["json-object"] = "\"{\" (json-string \":\" space json-value (\",\" space json-string \":\" space json-value)*)? \"}\"",
        ["json-array"] = "\"[\" (json-value (\",\" space json-value)*)? \"]\"",
    };

    private static readonly Dictionary<string, string[]> Needs = new(StringComparer.Ordinal)
    {
        ["json-string"] = ["json-char"],
        ["json-value"] = ["json-object", "json-array", "json-string", "json-number", "json-boolean", "json-null"],
        ["json-object"] = [Space, "json-string", "json-value"],
        ["json-array"] = [Space, "json-value"],
    };

    private readonly Dictionary<string, string> _rules = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _references = new(StringComparer.Ordinal);

    /// <summary>Adds a rule of the caller's own; its body may name <see cref="Space"/> and the rules <see cref="Value"/> returned.</summary>
    public JsonSchemaGrammar Rule(string name, string body)
    {
        _rules[name] = body;
        Use(Space);
        return this;
    }

    /// <summary>A GBNF expression for one JSON value that fits <paramref name="schema"/>.</summary>
    /// <param name="name">A name for the rules the value needs, unique among the grammar's values.</param>
    public string Value(JsonElement schema, string name) => Expression(schema, schema, RuleName(name));

    /// <summary>A GBNF literal for <paramref name="text"/> exactly.</summary>
    public static string Literal(string text)
    {
        var literal = new StringBuilder(text.Length + 2).Append('"');
        foreach (char c in text)
        {
            literal.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                < ' ' => $"\\x{(int)c:X2}",
                _ => c.ToString(),
            });
        }

        return literal.Append('"').ToString();
    }

    /// <summary>The grammar: every rule added and every rule they need.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        foreach (var (name, body) in _rules)
        {
            text.Append(name).Append(" ::= ").Append(body).Append('\n');
        }

        return text.ToString();
    }

    private string Expression(JsonElement schema, JsonElement root, string name)
    {
        if (schema.ValueKind != JsonValueKind.Object)
        {
            return Use("json-value");
        }

        if (schema.TryGetProperty("$ref", out var reference) && reference.ValueKind == JsonValueKind.String)
        {
            return Reference(reference.GetString()!, root);
        }

        if (schema.TryGetProperty("const", out var constant))
        {
            return JsonLiteral(constant);
        }

        if (schema.TryGetProperty("enum", out var values) && values.ValueKind == JsonValueKind.Array && values.GetArrayLength() > 0)
        {
            return "(" + string.Join(" | ", values.EnumerateArray().Select(JsonLiteral)) + ")";
        }

        foreach (var keyword in (string[])["anyOf", "oneOf"])
        {
            if (schema.TryGetProperty(keyword, out var choices) && choices.ValueKind == JsonValueKind.Array && choices.GetArrayLength() > 0)
            {
                return "(" + string.Join(" | ", choices.EnumerateArray().Select((choice, i) => Expression(choice, root, $"{name}-{i}"))) + ")";
            }
        }

        if (schema.TryGetProperty("allOf", out var all) && all.ValueKind == JsonValueKind.Array && all.GetArrayLength() == 1)
        {
            return Expression(all[0], root, name);
        }

        if (schema.TryGetProperty("type", out var type))
        {
            var types = type.ValueKind == JsonValueKind.Array
                ? type.EnumerateArray().Where(t => t.ValueKind == JsonValueKind.String).Select(t => t.GetString()!).ToList()
                : type.ValueKind == JsonValueKind.String ? [type.GetString()!] : [];
            if (types.Count > 0)
            {
                var alternatives = types.Select(t => OfType(t, schema, root, types.Count == 1 ? name : $"{name}-{t}")).ToList();
                return alternatives.Count == 1 ? alternatives[0] : "(" + string.Join(" | ", alternatives) + ")";
            }
        }

        return schema.TryGetProperty("properties", out _) ? OfType("object", schema, root, name)
            : schema.TryGetProperty("items", out _) ? OfType("array", schema, root, name)
            : Use("json-value");
    }

    private string OfType(string type, JsonElement schema, JsonElement root, string name) => type switch
    {
        "string" => StringOf(schema),
        "integer" => Use("json-integer"),
        "number" => Use("json-number"),
        "boolean" => Use("json-boolean"),
        "null" => Use("json-null"),
        "object" => ObjectOf(schema, root, name),
        "array" => ArrayOf(schema, root, name),
        _ => Use("json-value"),
    };

    private string StringOf(JsonElement schema)
    {
        var (min, max) = Bounds(schema, "minLength", "maxLength");
        if (min is null && max is null)
        {
            return Use("json-string");
        }

        Use("json-char");
        return $"\"\\\"\" json-char{{{min ?? 0},{(max is { } m ? m.ToString(CultureInfo.InvariantCulture) : "")}}} \"\\\"\"";
    }

    /// <summary>
    /// An object with the schema's properties only, in their declared order: the required ones always, each optional one
    /// or not. Without properties, any object (whose values fit <c>additionalProperties</c> when that is a schema).
    /// </summary>
    private string ObjectOf(JsonElement schema, JsonElement root, string name)
    {
        if (!schema.TryGetProperty("properties", out var properties) || properties.ValueKind != JsonValueKind.Object || !properties.EnumerateObject().Any())
        {
            if (schema.TryGetProperty("additionalProperties", out var values) && values.ValueKind == JsonValueKind.Object && values.EnumerateObject().Any())
            {
                string value = Expression(values, root, $"{name}-value");
                Use("json-string");
                Use(Space);
                return Define(name, $"\"{{\" (json-string \":\" space {value} (\",\" space json-string \":\" space {value})*)? \"}}\"");
            }

            return Use("json-object");
        }

        var required = schema.TryGetProperty("required", out var names) && names.ValueKind == JsonValueKind.Array
            ? names.EnumerateArray().Where(n => n.ValueKind == JsonValueKind.String).Select(n => n.GetString()!).ToHashSet(StringComparer.Ordinal)
            : [];
        var pairs = properties.EnumerateObject()
            .Select((property, i) => (Required: required.Contains(property.Name),
                Pair: $"{Literal(JsonString(property.Name))} \":\" space {Expression(property.Value, root, $"{name}-{RuleName(property.Name)}-{i}")}"))
            .ToList();
        var mandatory = pairs.Where(p => p.Required).Select(p => p.Pair).ToList();
        var optional = pairs.Where(p => !p.Required).Select(p => p.Pair).ToList();
        Use(Space);
        if (mandatory.Count > 0)
        {
            var body = new StringBuilder("\"{\" ").Append(string.Join(" \",\" space ", mandatory));
            foreach (var pair in optional)
            {
                body.Append(" (\",\" space ").Append(pair).Append(")?");
            }

            return Define(name, body.Append(" \"}\"").ToString());
        }

        // Only optional properties: each rest rule starts with one of them, the ones after it optional in turn.
        for (int i = optional.Count - 1; i >= 0; i--)
        {
            var rest = i == optional.Count - 1
                ? optional[i]
                : $"{optional[i]} (\",\" space {name}-rest-{i + 1})? | {name}-rest-{i + 1}";
            Define($"{name}-rest-{i}", rest);
        }

        return Define(name, $"\"{{\" ({name}-rest-0)? \"}}\"");
    }

    private string ArrayOf(JsonElement schema, JsonElement root, string name)
    {
        string item = schema.TryGetProperty("items", out var items) ? Expression(items, root, $"{name}-item") : Use("json-value");
        var (least, max) = Bounds(schema, "minItems", "maxItems");
        int min = least ?? 0;
        Use(Space);
        string items0 = (min, max) switch
        {
            (0, null) => $"({item} (\",\" space {item})*)?",
            (0, 0) => "",
            (0, { } m) => $"({item} (\",\" space {item}){{0,{m - 1}}})?",
            (_, null) => $"{item} (\",\" space {item}){{{min - 1},}}",
            (_, { } m) => $"{item} (\",\" space {item}){{{min - 1},{Math.Max(min, m) - 1}}}",
        };
        return Define(name, $"\"[\" {items0} \"]\"");
    }

    private string Reference(string reference, JsonElement root)
    {
        if (_references.TryGetValue(reference, out var known))
        {
            return known;
        }

        var target = root;
        foreach (var part in reference.TrimStart('#').Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var key = part.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            if (target.ValueKind != JsonValueKind.Object || !target.TryGetProperty(key, out target))
            {
                return Use("json-value");
            }
        }

        // Named before its body is made, so that a schema that refers to itself makes a recursive rule.
        string name = UniqueName("ref-" + RuleName(reference));
        _references[reference] = name;
        _rules[name] = string.Empty;
        _rules[name] = Expression(target, root, name + "-body");
        return name;
    }

    private string Define(string name, string body)
    {
        _rules[name] = body;
        return name;
    }

    private string UniqueName(string name)
    {
        string unique = name;
        for (int i = 2; _rules.ContainsKey(unique); i++)
        {
            unique = $"{name}-{i}";
        }

        return unique;
    }

    /// <summary>Names a primitive rule, adding it and the rules it needs to the grammar the first time.</summary>
    private string Use(string primitive)
    {
        if (_rules.TryAdd(primitive, Primitives[primitive]) && Needs.TryGetValue(primitive, out var needs))
        {
            foreach (var need in needs)
            {
                Use(need);
            }
        }

        return primitive;
    }

    private static string JsonLiteral(JsonElement value) => Literal(value.GetRawText());

    private static string JsonString(string text) =>
        "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    /// <summary>
    /// A schema's bounds on a count (a string's length, an array's items), as far as a grammar can hold them: llama.cpp
    /// writes <c>x{m,n}</c> out as n copies of x, so a bound above <see cref="LargestCount"/> is left to the tool (the
    /// grammar would not parse, or would take the memory a copy per character takes), and bounds that contradict each
    /// other (a minimum above the maximum) are both left out rather than made a grammar nothing can satisfy.
    /// </summary>
    private static (int? Min, int? Max) Bounds(JsonElement schema, string least, string most)
    {
        int? min = Count(schema, least);
        int? max = Count(schema, most);
        if (min > max)
        {
            return (null, null);
        }

        return (min > LargestCount ? null : min, max > LargestCount ? null : max);
    }

    private static int? Count(JsonElement schema, string keyword) =>
        schema.TryGetProperty(keyword, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int count) && count >= 0
            ? count
            : null;

    /// <summary>A rule name from any text: llama.cpp's rule names are letters, digits and dashes.</summary>
    private static string RuleName(string text)
    {
        var name = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            name.Append(char.IsAsciiLetterOrDigit(c) ? c : '-');
        }

        return name.Length == 0 ? "x" : name.ToString();
    }
}
