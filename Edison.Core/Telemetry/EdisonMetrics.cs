using System.Diagnostics.Metrics;
using Microsoft.Extensions.AI;
using Edison.Core.Inference.Engine;

namespace Edison.Core.Telemetry;

/// <summary>
/// Edison's own metrics (meter "Edison"), exported for Prometheus at <c>/metrics</c>: answers by outcome and mode,
/// generations running and queued, time to first token, tokens per second, tokens written, and prompt tokens read
/// against those the prompt cache already held.
/// </summary>
public sealed class EdisonMetrics
{
    public const string MeterName = "Edison";

    private readonly Counter<long> _answers;
    private readonly Counter<long> _tokens;
    private readonly Counter<long> _promptEvaluated;
    private readonly Counter<long> _promptReused;
    private readonly Histogram<double> _timeToFirstToken;
    private readonly Histogram<double> _tokensPerSecond;

    public EdisonMetrics(IMeterFactory meters, IGenerationEngine engine)
    {
        var meter = meters.Create(MeterName);
        _answers = meter.CreateCounter<long>("edison.chat.answers", "{answer}", "Answers by outcome (completed, failed, stopped: the client stopped or disconnected) and mode.");
        _tokens = meter.CreateCounter<long>("edison.tokens.generated", "{token}", "Tokens written by the model.");
        _promptEvaluated = meter.CreateCounter<long>("edison.prompt_tokens.evaluated", "{token}", "Prompt tokens the model read.");
        _promptReused = meter.CreateCounter<long>("edison.prompt_tokens.reused", "{token}", "Prompt tokens the prompt cache already held, not read again.");
        _timeToFirstToken = meter.CreateHistogram(
            "edison.time_to_first_token", "s", "From the start of generation to the first piece of the answer.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });
        _tokensPerSecond = meter.CreateHistogram(
            "edison.tokens_per_second", "{token}/s", "Generation speed of each completed answer after its first token.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000] });
        meter.CreateObservableUpDownCounter("edison.generations.active", () => engine.ActiveGenerations, "{generation}", "Answers being generated now.");
        meter.CreateObservableUpDownCounter("edison.generations.queued", () => engine.QueuedGenerations, "{generation}", "Answers waiting for a free sequence.");
    }

    /// <summary>What the model read of a prompt and what the prompt cache held, for an answer or any other request (a title).</summary>
    public void PromptRead(UsageDetails? usage)
    {
        if (usage is not null)
        {
            long cached = usage.CachedInputTokenCount ?? 0;
            _promptEvaluated.Add((usage.InputTokenCount ?? 0) - cached);
            _promptReused.Add(cached);
        }
    }

    public void FirstToken(TimeSpan elapsed) => _timeToFirstToken.Record(elapsed.TotalSeconds);

    /// <param name="outcome">completed, failed or stopped.</param>
    /// <param name="usage">The answer's token counts, when the engine reported them.</param>
    public void Answered(string outcome, string mode, int tokens, TimeSpan afterFirstToken, UsageDetails? usage)
    {
        PromptRead(usage);
        _answers.Add(1, new KeyValuePair<string, object?>("outcome", outcome), new KeyValuePair<string, object?>("mode", mode));
        _tokens.Add(tokens);
        if (outcome == "completed" && tokens > 1 && afterFirstToken > TimeSpan.Zero)
        {
            _tokensPerSecond.Record((tokens - 1) / afterFirstToken.TotalSeconds);
        }
    }
}
