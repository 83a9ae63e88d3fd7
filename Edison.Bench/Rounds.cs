namespace Edison.Bench;

/// <summary>One way of answering: its name and one run of it (one stream, or several at once).</summary>
public sealed record Way(string Name, Func<Task<StreamTiming[]>> RunAsync);

/// <summary>
/// Every way run once per round, in a new order each round. This machine's speed jumps between regimes (the same raw
/// loop went 1,200 and 1,850 tok/s in one sitting), so figures are compared within a round: a ratio is the median of
/// each round's ratio, both sides measured a moment apart, never one way's median over another's taken minutes later.
/// Ways come in groups that run back to back (say, the same N measured three ways), so the ways compared most
/// closely are measured closest together.
/// </summary>
public sealed class Rounds
{
    private readonly IReadOnlyList<Way> _ways;
    private readonly List<StreamTiming[][]> _rounds = [];

    private Rounds(IReadOnlyList<Way> ways) => _ways = ways;

    public static async Task<Rounds> MeasureAsync(IReadOnlyList<IReadOnlyList<Way>> groups, int rounds)
    {
        var ways = groups.SelectMany(group => group).ToList();
        var measured = new Rounds(ways);
        var firstOfGroup = groups.Select((group, g) => groups.Take(g).Sum(earlier => earlier.Count)).ToArray();

        // Round -1 warms every way up and is not kept.
        for (int round = -1; round < rounds; round++)
        {
            var results = new StreamTiming[ways.Count][];
            foreach (int group in Order(groups.Count, round))
            {
                foreach (int way in Order(groups[group].Count, round * 31 + group))
                {
                    results[firstOfGroup[group] + way] = await groups[group][way].RunAsync();
                }
            }

            if (round >= 0)
            {
                measured._rounds.Add(results);
            }
        }

        return measured;
    }

    public int IndexOf(string name) => _ways.Select((way, i) => (way, i)).Single(w => w.way.Name == name).i;

    /// <summary>Median over rounds of the streaming rate of a single-stream way.</summary>
    public double TokensPerSecond(int way) => Median(_rounds.Select(r => r[way][0].TokensPerSecond));

    /// <summary>Median time to first token over every stream of every round.</summary>
    public double TimeToFirstTokenMs(int way) => Median(_rounds.SelectMany(r => r[way]).Select(t => t.TimeToFirstTokenMs));

    public double P95TimeToFirstTokenMs(int way) => Percentile(_rounds.SelectMany(r => r[way]).Select(t => t.TimeToFirstTokenMs).ToList(), 0.95);

    /// <summary>Median over rounds of all of a way's tokens over the time from the first request to the last token.</summary>
    public double AggregateTokensPerSecond(int way) => Median(_rounds.Select(r => Aggregate(r[way])));

    public int Tokens(int way) => _rounds[0][way][0].Tokens;

    /// <summary>Median over rounds of the time to first token of one stream of a way (say, one turn of a conversation).</summary>
    public double TimeToFirstTokenMs(int way, int stream) => Median(_rounds.Select(r => r[way][stream].TimeToFirstTokenMs));

    /// <summary>Median over rounds of one stream's time to first token over a single-stream way's in the same round.</summary>
    public double TimeToFirstTokenRatio(int way, int stream, int baseline) =>
        Median(_rounds.Select(r => r[way][stream].TimeToFirstTokenMs / r[baseline][0].TimeToFirstTokenMs));

    /// <summary>Median over rounds of one stream's longest wait between two tokens.</summary>
    public double LongestGapMs(int way, int stream) => Median(_rounds.Select(r => r[way][stream].LongestGapMs));

    /// <summary>Median over rounds of the prompt tokens one stream of a way read before its first token.</summary>
    public double PromptTokensRead(int way, int stream) => Median(_rounds.Select(r => (double)r[way][stream].PromptTokensRead));

    /// <summary>Median over rounds of a single-stream way's prompt reading rate.</summary>
    public double PromptTokensPerSecond(int way) => Median(_rounds.Select(r => r[way][0].PromptTokensPerSecond));

    /// <summary>Median over rounds of one way's prompt reading rate over another's in the same round.</summary>
    public double PromptRateRatio(int way, int baseline) =>
        Median(_rounds.Select(r => r[way][0].PromptTokensPerSecond / r[baseline][0].PromptTokensPerSecond));

    /// <summary>Median over rounds of one way's streaming rate over another's in the same round.</summary>
    public double RateRatio(int way, int baseline) =>
        Median(_rounds.Select(r => r[way][0].TokensPerSecond / r[baseline][0].TokensPerSecond));

    /// <summary>Median over rounds of the time to first token one way adds to another's in the same round.</summary>
    public double AddedTimeToFirstTokenMs(int way, int baseline) =>
        Median(_rounds.Select(r => r[way][0].TimeToFirstTokenMs - r[baseline][0].TimeToFirstTokenMs));

    /// <summary>Median over rounds of one way's aggregate rate over another's in the same round.</summary>
    public double AggregateRatio(int way, int baseline) => Median(_rounds.Select(r => Aggregate(r[way]) / Aggregate(r[baseline])));

    private static double Aggregate(StreamTiming[] streams)
    {
        long start = streams.Min(t => t.Started);
        long end = streams.Max(t => t.LastToken);
        return streams.Sum(t => t.Tokens) / (StreamTiming.Milliseconds(start, end) / 1000);
    }

    // The same orders every time the bench runs; a fixed order would always give the same way the caches another
    // way had just filled.
    private static int[] Order(int count, int seed)
    {
        var order = Enumerable.Range(0, count).ToArray();
        new Random(seed + 1).Shuffle(order);
        return order;
    }

    public static double Median(IEnumerable<double> values) => Percentile(values.ToList(), 0.5);

    private static double Percentile(List<double> values, double fraction)
    {
        var sorted = values.Order().ToList();
        return sorted[(int)Math.Min(sorted.Count - 1, Math.Round(fraction * (sorted.Count - 1)))];
    }
}
