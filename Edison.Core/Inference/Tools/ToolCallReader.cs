using System.Text;

namespace Edison.Core.Inference.Tools;

/// <summary>
/// Reads a model's answer as it streams: text until the format's <see cref="ToolCallFormat.Opener"/>, released as it
/// comes (held only where it might be the opener's start), and from the opener on, calls, read whole at the end. The
/// calls' text never reaches the answer. Where a call is the whole answer (<see cref="ToolCallFormat.CallIsTheAnswer"/>),
/// the answer's first character decides.
/// </summary>
/// <param name="openerIsControl">
/// Whether the opener is a control token the stream shows apart (<see cref="Engine.ControlText"/>): then only that token
/// opens calls, and text that spells it is text.
/// </param>
public sealed class ToolCallReader(ToolCallFormat format, bool openerIsControl = false)
{
    private readonly StringBuilder _held = new();
    private bool _calling;
    private bool _text;

    /// <summary>The answer's text that can be released now.</summary>
    /// <param name="isControl">Whether the text is a control token's, shown apart.</param>
    public string Push(string text, bool isControl = false)
    {
        if (_calling || (openerIsControl && isControl && text == format.Opener))
        {
            _calling = true;
            _held.Append(text);
            return string.Empty;
        }

        if (openerIsControl)
        {
            return text;
        }

        if (_text)
        {
            return text;
        }

        if (format.CallIsTheAnswer)
        {
            _held.Append(text);
            var start = _held.ToString();
            if (string.IsNullOrWhiteSpace(start))
            {
                return string.Empty;
            }

            _calling = start.TrimStart().StartsWith(format.Opener, StringComparison.Ordinal);
            _text = !_calling;
            if (_calling)
            {
                return string.Empty;
            }

            _held.Clear();
            return start;
        }

        string opener = format.Opener;
        if (_held.Length == 0 && text.IndexOf(opener[0], StringComparison.Ordinal) < 0)
        {
            return text;
        }

        _held.Append(text);
        var held = _held.ToString();
        int at = held.IndexOf(opener, StringComparison.Ordinal);
        if (at >= 0)
        {
            _calling = true;
            _held.Remove(0, at);
            return held[..at];
        }

        int keep = PartialOpenerAtEnd(held, opener);
        _held.Remove(0, held.Length - keep);
        return held[..^keep];
    }

    /// <summary>At the answer's end: the text still held, and the calls the model made.</summary>
    public (string Text, IReadOnlyList<ToolCall> Calls) Finish()
    {
        var held = _held.ToString();
        _held.Clear();
        return _calling ? (string.Empty, format.Parse(held)) : (held, []);
    }

    /// <summary>How many characters at the end of <paramref name="text"/> could be the start of <paramref name="opener"/>.</summary>
    private static int PartialOpenerAtEnd(string text, string opener)
    {
        for (int length = Math.Min(opener.Length - 1, text.Length); length > 0; length--)
        {
            if (text.AsSpan(text.Length - length).SequenceEqual(opener.AsSpan(0, length)))
            {
                return length;
            }
        }

        return 0;
    }
}
