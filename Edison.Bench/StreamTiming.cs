namespace Edison.Bench;

/// <summary>
/// When one answer started, when its first and last tokens arrived, how many tokens it had, and how many prompt tokens
/// were read before the first (0 when not known; the prompt cache's tokens are not read).
/// </summary>
public sealed record StreamTiming(long Started, long FirstToken, long LastToken, int Tokens, int PromptTokensRead = 0, long LongestGap = 0)
{
    /// <summary>The longest wait between two tokens after the first: how long a reader saw the answer stand still.</summary>
    public double LongestGapMs => Milliseconds(0, LongestGap);

    /// <summary>Prompt tokens read per second until the first token: how fast the prompt was read.</summary>
    public double PromptTokensPerSecond => PromptTokensRead / (TimeToFirstTokenMs / 1000);

    public double TimeToFirstTokenMs => Milliseconds(Started, FirstToken);

    /// <summary>Tokens after the first, over the time after the first: the streaming rate, free of prompt time.</summary>
    public double TokensPerSecond => Tokens > 1 ? (Tokens - 1) / (Milliseconds(FirstToken, LastToken) / 1000) : 0;

    public static double Milliseconds(long from, long to) => (to - from) * 1000.0 / System.Diagnostics.Stopwatch.Frequency;

    /// <summary>Several answers started at once, as that many clients would.</summary>
    public static Task<StreamTiming[]> AllAtOnceAsync(int clients, Func<Task<StreamTiming>> answer) =>
        Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(answer)));
}

/// <summary>Collects one answer's timing as its pieces arrive.</summary>
public sealed class TimingRecorder
{
    private readonly long _started = System.Diagnostics.Stopwatch.GetTimestamp();
    private long _first;
    private long _last;
    private int _tokens;
    private long _longestGap;

    public int Tokens => _tokens;

    /// <summary>
    /// One token's text. The answer starts at its first visible character, as a reader sees it (and as Edison streams
    /// it): white space before that is not a first token, whichever way is being measured.
    /// </summary>
    public void Text(string piece)
    {
        if (piece.Length > 0 && (_tokens > 0 || !string.IsNullOrWhiteSpace(piece)))
        {
            Token();
        }
    }

    /// <summary>One token a reader sees.</summary>
    public void Token()
    {
        var now = System.Diagnostics.Stopwatch.GetTimestamp();
        if (_tokens++ == 0)
        {
            _first = now;
        }

        else
        {
            _longestGap = Math.Max(_longestGap, now - _last);
        }

        _last = now;
    }

    public StreamTiming Finish(int promptTokensRead = 0) => _tokens == 0
        ? throw new InvalidOperationException("The answer had no tokens.")
        : new StreamTiming(_started, _first, _last, _tokens, promptTokensRead, _longestGap);
}
