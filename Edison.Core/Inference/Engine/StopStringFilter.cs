namespace Edison.Core.Inference.Engine;

/// <summary>
/// Holds back streamed text that might be the start of a stop string, so a stop string never reaches the client,
/// not even in part, and everything before it does.
/// </summary>
public sealed class StopStringFilter(IReadOnlyList<string> stopStrings)
{
    private string _held = string.Empty;

    public bool Stopped { get; private set; }

    /// <summary>Adds streamed text and returns what can be released now (possibly empty).</summary>
    public string Push(string text)
    {
        if (Stopped)
        {
            return string.Empty;
        }

        var pending = _held + text;
        int stopAt = FirstStop(pending);
        if (stopAt >= 0)
        {
            Stopped = true;
            _held = string.Empty;
            return pending[..stopAt];
        }

        int keep = LongestStopPrefixAtEnd(pending);
        _held = pending[^keep..];
        return pending[..^keep];
    }

    /// <summary>Releases whatever is still held when generation ends without a stop string.</summary>
    public string Flush()
    {
        var rest = Stopped ? string.Empty : _held;
        _held = string.Empty;
        return rest;
    }

    private int FirstStop(string text)
    {
        int first = -1;
        foreach (var stop in stopStrings)
        {
            int at = text.IndexOf(stop, StringComparison.Ordinal);
            if (at >= 0 && (first < 0 || at < first))
            {
                first = at;
            }
        }

        return first;
    }

    private int LongestStopPrefixAtEnd(string text)
    {
        int longest = 0;
        foreach (var stop in stopStrings)
        {
            for (int length = Math.Min(stop.Length - 1, text.Length); length > longest; length--)
            {
                if (text.AsSpan(text.Length - length).SequenceEqual(stop.AsSpan(0, length)))
                {
                    longest = length;
                    break;
                }
            }
        }

        return longest;
    }
}
