using System.Text;
using System.Text.RegularExpressions;

namespace Edison.Core.Inference.Prompts;

/// <summary>
/// The string literals a Jinja chat template writes: how a model's own template words its markup (its thinking, its
/// tools), read instead of guessed from the model's name.
/// </summary>
public static partial class JinjaLiterals
{
    /// <summary>The string literals in <paramref name="template"/>, in order, unescaped.</summary>
    public static List<string> In(string template) =>
        [.. Literal().Matches(template).Select(m => Unescape(m.Groups["single"].Success ? m.Groups["single"].Value : m.Groups["double"].Value))];

    private static string Unescape(string literal)
    {
        var text = new StringBuilder(literal.Length);
        for (int i = 0; i < literal.Length; i++)
        {
            if (literal[i] != '\\' || i + 1 == literal.Length)
            {
                text.Append(literal[i]);
                continue;
            }

            text.Append(literal[++i] switch
            {
                'n' => '\n',
                't' => '\t',
                'r' => '\r',
                var escaped => escaped,
            });
        }

        return text.ToString();
    }

    [GeneratedRegex(@"'(?<single>(?:[^'\\]|\\.)*)'|""(?<double>(?:[^""\\]|\\.)*)""")]
    private static partial Regex Literal();
}
