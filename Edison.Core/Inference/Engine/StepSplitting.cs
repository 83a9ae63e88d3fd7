using System.Diagnostics;
using LLama;
using LLama.Native;

namespace Edison.Core.Inference.Engine;

/// <summary>
/// Whether a few streaming answers decode faster each in a step of its own than together in one batch. One batch reads
/// the weights once for every token in it, which is what batching is for; but llama.cpp's CPU kernel for a handful of
/// rows is not always its one-row kernel times the rows: on an AMD EPYC, a step of two Q8_0 tokens (llamafile's tinyBLAS)
/// took 2.7 one-token steps (ggml's dot product). So it is measured, on the machine and model at hand.
/// </summary>
internal sealed class StepSplitting
{
    /// <summary>The most answers measured: batching four or more paid off on every machine tried.</summary>
    private const int MostMeasured = 3;

    /// <summary>Separate steps must win by this much: a near tie goes to the batch, which the measuring noise favours least.</summary>
    private const double Margin = 0.9;

    private readonly int _apartUpTo;

    private StepSplitting(int apartUpTo, string reason) => (_apartUpTo, Reason) = (apartUpTo, reason);

    public static StepSplitting Never { get; } = new(0, "one batch (Edison:Model:SeparateSteps is off)");

    public static StepSplitting Always { get; } = new(int.MaxValue, "separate steps (Edison:Model:SeparateSteps is on)");

    /// <summary>What was measured and chosen, for the log.</summary>
    public string Reason { get; }

    /// <summary>Whether this many answers, all streaming, decode each in a step of its own.</summary>
    public bool DecodesApart(int streaming) => streaming >= 2 && streaming <= _apartUpTo;

    /// <summary>
    /// Decides from one-token step times: <paramref name="single"/> for one answer, <paramref name="together"/>[i] for
    /// i + 2 answers in one batch. Apart up to the largest count whose separate steps cost less, counting up from two.
    /// </summary>
    public static StepSplitting From(TimeSpan single, IReadOnlyList<TimeSpan> together)
    {
        int apartUpTo = 0;
        for (int i = 0; i < together.Count && (i + 2) * single < Margin * together[i]; i++)
        {
            apartUpTo = i + 2;
        }

        var figures = string.Join(", ", together.Select((time, i) => $"{i + 2} together {time.TotalMilliseconds:F1} ms"));
        var choice = apartUpTo == 0 ? "one batch" : $"separate steps for up to {apartUpTo} answers";
        return new StepSplitting(apartUpTo, $"{choice} (one answer's step {single.TotalMilliseconds:F1} ms; {figures})");
    }

    /// <summary>What Edison:Model:SeparateSteps chose (<paramref name="setting"/>), or what <see cref="Measure"/> found.</summary>
    public static StepSplitting For(bool? setting, LLamaContext context, int maxParallel) => setting switch
    {
        true => Always,
        false => Never,
        null => Measure(context, maxParallel),
    };

    /// <summary>
    /// Times one-token steps of one to <see cref="MostMeasured"/> answers on scratch sequences of the context (each
    /// after a short prompt, the median of three after a warm-up) and empties them again.
    /// </summary>
    public static StepSplitting Measure(LLamaContext context, int maxParallel)
    {
        int most = Math.Min(MostMeasured, maxParallel);
        if (most < 2)
        {
            return new StepSplitting(0, "one batch (one answer at a time)");
        }

        var tokens = context.Tokenize("Edison measures how this machine decodes a few answers at once.", addBos: true, special: false);
        var positions = new int[most];
        var batch = new LLamaBatch();
        try
        {
            for (int id = 0; id < most; id++)
            {
                batch.Clear();
                batch.AddRange(tokens, 0, (LLamaSeqId)id, logitsLast: true);
                Decode(context, batch);
                positions[id] = tokens.Length;
            }

            TimeSpan Step(int answers)
            {
                var times = new List<TimeSpan>();
                for (int round = 0; round < 4; round++)
                {
                    batch.Clear();
                    for (int id = 0; id < answers; id++)
                    {
                        batch.Add(tokens[(positions[id] + id) % tokens.Length], positions[id]++, (LLamaSeqId)id, logits: true);
                    }

                    long started = Stopwatch.GetTimestamp();
                    Decode(context, batch);
                    times.Add(Stopwatch.GetElapsedTime(started));
                }

                // The first round warms the kernels and graph for this batch shape up.
                return times.Skip(1).Order().ElementAt(1);
            }

            var single = Step(1);
            return From(single, [.. Enumerable.Range(2, most - 1).Select(Step)]);
        }
        catch (InvalidOperationException e)
        {
            return new StepSplitting(0, $"one batch ({e.Message})");
        }
        finally
        {
            for (int id = 0; id < most; id++)
            {
                context.NativeHandle.MemorySequenceRemove((LLamaSeqId)id, -1, -1);
            }
        }
    }

    private static void Decode(LLamaContext context, LLamaBatch batch)
    {
        var result = context.Decode(batch);
        if (result != DecodeResult.Ok)
        {
            throw new InvalidOperationException($"llama.cpp could not decode while measuring its steps ({result}).");
        }
    }
}
