using System.Globalization;
using System.Text.Json;
using Edison.Bench;
using Edison.Core.Llama;
using Edison.Core.Llama.Gguf;

// Edison's benchmark: the same model, prompt and settings measured four ways in one run.
//   dotnet run -c Release --project Edison.Bench -- [--model file.gguf] [--tokens 256] [--runs 15] [--threads N] [--flash-attention auto|on|off]
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
var scratch = Directory.CreateTempSubdirectory("edison-bench-").FullName;
try
{
    var demoPath = Path.Combine(scratch, "edison-demo.gguf");
    var options = BenchOptions.Parse(args, demoPath);
    if (options.IsDemo)
    {
        ScriptedModelWriter.Write(DemoModel.Spec, demoPath);
    }

    Console.WriteLine($"model {(options.IsDemo ? "built-in demo" : options.ModelPath)}; {options.MaxTokens} tokens max, greedy; " +
                      $"{options.Runs} runs each (medians); {(options.Threads > 0 ? options.Threads : "default")} threads; flash attention {options.FlashAttention}; message \"{options.Message}\"");
    int[] clientCounts = [1, 2, 4, 8];
    using var raw = new RawLlama(options);
    raw.Load();
    using var executor = raw.CreateBatchedExecutor();
    using var context = raw.CreateContext(clientCounts.Max());
    await using var inProcess = new InProcessEdison(options, Path.Combine(scratch, "in-process"), maxParallel: clientCounts.Max());
    await inProcess.StartAsync();
    await using var http = new HttpEdison(options, Path.Combine(scratch, "http"), maxParallel: clientCounts.Max());
    await http.StartAsync();

    // This machine's speed drifts by tens of percent within minutes, so the ways being compared take turns run by
    // run instead of one after another: each ratio is measured under the same conditions on both sides.
    var rows = await MeasureInterleavedAsync(options.Runs,
    [
        ("1a raw LLamaSharp StatelessExecutor", raw.StatelessAsync),
        ("1b raw LLamaSharp BatchedExecutor", () => raw.BatchedAsync(executor)),
        ("1c raw LLamaSharp LLamaContext.Decode", async () => (await raw.DirectDecodeAsync(context, 1))[0]),
        ("2  Edison ChatPipeline in-process", inProcess.AnswerAsync),
        ("3  Edison /chat/stream over HTTP", http.StreamAsync),
    ]);

    // The raw loop decodes every sequence in one batch per step: what batching itself gives, before anything of Edison's.
    var rawConcurrency = new List<ConcurrencyRow>();
    var inProcessConcurrency = new List<ConcurrencyRow>();
    var concurrency = new List<ConcurrencyRow>();
    foreach (int clients in clientCounts)
    {
        var measured = await MeasureConcurrentInterleavedAsync(clients, options.Runs,
        [
            () => raw.DirectDecodeAsync(context, clients),
            () => AllAtOnceAsync(clients, inProcess.AnswerAsync),
            () => AllAtOnceAsync(clients, http.StreamAsync),
        ]);
        rawConcurrency.Add(measured[0]);
        inProcessConcurrency.Add(measured[1]);
        concurrency.Add(measured[2]);
    }

    // The floor is the fastest raw LLamaSharp way measured, so the ratios never flatter Edison.
    var floor = rows.Where(r => r.Name.StartsWith('1')).MaxBy(r => r.TokensPerSecond)!;
    Console.WriteLine();
    Console.WriteLine($"floor (1): {floor.Name.Trim()}");
    Console.WriteLine($"{"measurement",-40} {"TTFT ms",9} {"tok/s",9} {"vs (1) tok/s",12} {"TTFT +ms vs (1)",15}");
    foreach (var row in rows)
    {
        Console.WriteLine($"{row.Name,-40} {row.TimeToFirstTokenMs,9:F2} {row.TokensPerSecond,9:F0} {row.TokensPerSecond / floor.TokensPerSecond,12:F3} {row.TimeToFirstTokenMs - floor.TimeToFirstTokenMs,15:F2}");
    }

    Console.WriteLine();
    Console.WriteLine($"{"N streams at once",-36} {"aggregate tok/s",16} {"median TTFT ms",15} {"p95 TTFT ms",12} {"speed-up vs N=1",16} {"vs raw same N",14}");
    PrintConcurrency("raw decode loop, one batch", rawConcurrency, rawConcurrency);
    PrintConcurrency("Edison in-process", inProcessConcurrency, rawConcurrency);
    PrintConcurrency("/chat/stream clients", concurrency, rawConcurrency);

    Console.WriteLine();
    Console.WriteLine(JsonSerializer.Serialize(new
    {
        model = options.IsDemo ? "edison-demo" : Path.GetFileName(options.ModelPath),
        max_tokens = options.MaxTokens,
        threads = options.Threads,
        flash_attention = options.FlashAttention,
        runs = options.Runs,
        single = rows.Select(r => new { name = r.Name, ttft_ms = Math.Round(r.TimeToFirstTokenMs, 3), tokens_per_s = Math.Round(r.TokensPerSecond, 1), tokens = r.Tokens }),
        concurrent = ConcurrencyJson(concurrency),
        in_process_concurrent = ConcurrencyJson(inProcessConcurrency),
        raw_concurrent = ConcurrencyJson(rawConcurrency),
    }));
}
finally
{
    Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    Directory.Delete(scratch, recursive: true);
}

static async Task<List<Row>> MeasureInterleavedAsync(int runs, (string Name, Func<Task<StreamTiming>> Answer)[] ways)
{
    var timings = ways.Select(_ => new List<StreamTiming>()).ToArray();
    for (int run = -1; run < runs; run++)
    {
        for (int way = 0; way < ways.Length; way++)
        {
            var timing = await ways[way].Answer();
            if (run >= 0)
            {
                timings[way].Add(timing);
            }
        }
    }

    return ways.Select((way, i) => new Row(
        way.Name,
        Median(timings[i].Select(t => t.TimeToFirstTokenMs)),
        Median(timings[i].Select(t => t.TokensPerSecond)),
        timings[i][0].Tokens)).ToList();
}

static Task<StreamTiming[]> AllAtOnceAsync(int clients, Func<Task<StreamTiming>> answer) =>
    Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(answer)));

static async Task<ConcurrencyRow[]> MeasureConcurrentInterleavedAsync(int clients, int runs, Func<Task<StreamTiming[]>>[] ways)
{
    var aggregate = ways.Select(_ => new List<double>()).ToArray();
    var firstTokens = ways.Select(_ => new List<double>()).ToArray();
    for (int run = -1; run < runs; run++)
    {
        for (int way = 0; way < ways.Length; way++)
        {
            var timings = await ways[way]();
            if (run < 0)
            {
                continue;
            }

            long start = timings.Min(t => t.Started);
            long end = timings.Max(t => t.LastToken);
            aggregate[way].Add(timings.Sum(t => t.Tokens) / (StreamTiming.Milliseconds(start, end) / 1000));
            firstTokens[way].AddRange(timings.Select(t => t.TimeToFirstTokenMs));
        }
    }

    return ways.Select((_, i) => new ConcurrencyRow(clients, Median(aggregate[i]), Median(firstTokens[i]), Percentile(firstTokens[i], 0.95))).ToArray();
}

static void PrintConcurrency(string name, List<ConcurrencyRow> rows, List<ConcurrencyRow> raw)
{
    foreach (var row in rows)
    {
        var rawSameN = raw.Single(r => r.Clients == row.Clients);
        Console.WriteLine($"{name + ", N = " + row.Clients,-36} {row.AggregateTokensPerSecond,16:F0} {row.MedianTimeToFirstTokenMs,15:F2} {row.P95TimeToFirstTokenMs,12:F2} " +
                          $"{row.AggregateTokensPerSecond / rows[0].AggregateTokensPerSecond,16:F2} {row.AggregateTokensPerSecond / rawSameN.AggregateTokensPerSecond,14:F3}");
    }
}

static IEnumerable<object> ConcurrencyJson(List<ConcurrencyRow> rows) => rows.Select(c => new
{
    clients = c.Clients,
    aggregate_tokens_per_s = Math.Round(c.AggregateTokensPerSecond, 1),
    median_ttft_ms = Math.Round(c.MedianTimeToFirstTokenMs, 3),
    p95_ttft_ms = Math.Round(c.P95TimeToFirstTokenMs, 3),
    speedup = Math.Round(c.AggregateTokensPerSecond / rows[0].AggregateTokensPerSecond, 3),
});

static double Median(IEnumerable<double> values) => Percentile(values.ToList(), 0.5);

static double Percentile(List<double> values, double fraction)
{
    var sorted = values.Order().ToList();
    return sorted[(int)Math.Min(sorted.Count - 1, Math.Round(fraction * (sorted.Count - 1)))];
}

internal sealed record Row(string Name, double TimeToFirstTokenMs, double TokensPerSecond, int Tokens);

internal sealed record ConcurrencyRow(int Clients, double AggregateTokensPerSecond, double MedianTimeToFirstTokenMs, double P95TimeToFirstTokenMs);
