using System.Globalization;
using System.Text.Json;
using Edison.Bench;
using Edison.Core.Llama;
using Edison.Core.Llama.Gguf;

// Edison's benchmark: the same model, prompt and settings measured four ways in one run.
//   dotnet run -c Release --project Edison.Bench -- [--model file.gguf] [--tokens 128] [--runs 5]
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
                      $"{options.Runs} runs each (medians); {options.Threads} threads; message \"{options.Message}\"");
    var rows = new List<Row>();
    var inProcessConcurrency = new List<ConcurrencyRow>();

    using (var raw = new RawLlama(options))
    {
        raw.Load();
        rows.Add(await MeasureAsync("1a raw LLamaSharp StatelessExecutor", options.Runs, raw.StatelessAsync));
        using var executor = raw.CreateBatchedExecutor();
        rows.Add(await MeasureAsync("1b raw LLamaSharp BatchedExecutor", options.Runs, () => raw.BatchedAsync(executor)));
        using var context = raw.CreateContext();
        rows.Add(await MeasureAsync("1c raw LLamaSharp LLamaContext.Decode", options.Runs, () => raw.DirectDecodeAsync(context)));
    }

    await using (var edison = new InProcessEdison(options, Path.Combine(scratch, "in-process")))
    {
        await edison.StartAsync();
        rows.Add(await MeasureAsync("2  Edison ChatPipeline in-process", options.Runs, edison.AnswerAsync));

        // The same concurrency without HTTP: what batching gives before the transport takes its share.
        foreach (int clients in new[] { 1, 4 })
        {
            inProcessConcurrency.Add(await MeasureConcurrentAsync(clients, options.Runs, edison.AnswerAsync));
        }
    }

    var concurrency = new List<ConcurrencyRow>();
    await using (var http = new HttpEdison(options, Path.Combine(scratch, "http"), maxParallel: 8))
    {
        await http.StartAsync();
        rows.Add(await MeasureAsync("3  Edison /chat/stream over HTTP", options.Runs, http.StreamAsync));
        foreach (int clients in new[] { 1, 2, 4, 8 })
        {
            concurrency.Add(await MeasureConcurrentAsync(clients, options.Runs, http.StreamAsync));
        }
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
    Console.WriteLine($"{"concurrent /chat/stream clients",-32} {"aggregate tok/s",16} {"median TTFT ms",15} {"p95 TTFT ms",12} {"speed-up vs N=1",16}");
    foreach (var row in concurrency)
    {
        Console.WriteLine($"{"N = " + row.Clients,-32} {row.AggregateTokensPerSecond,16:F0} {row.MedianTimeToFirstTokenMs,15:F2} {row.P95TimeToFirstTokenMs,12:F2} {row.AggregateTokensPerSecond / concurrency[0].AggregateTokensPerSecond,16:F2}");
    }

    foreach (var row in inProcessConcurrency)
    {
        Console.WriteLine($"{"in-process N = " + row.Clients,-32} {row.AggregateTokensPerSecond,16:F0} {row.MedianTimeToFirstTokenMs,15:F2} {row.P95TimeToFirstTokenMs,12:F2} {row.AggregateTokensPerSecond / inProcessConcurrency[0].AggregateTokensPerSecond,16:F2}");
    }

    Console.WriteLine();
    Console.WriteLine(JsonSerializer.Serialize(new
    {
        model = options.IsDemo ? "edison-demo" : Path.GetFileName(options.ModelPath),
        max_tokens = options.MaxTokens,
        runs = options.Runs,
        single = rows.Select(r => new { name = r.Name, ttft_ms = Math.Round(r.TimeToFirstTokenMs, 3), tokens_per_s = Math.Round(r.TokensPerSecond, 1), tokens = r.Tokens }),
        concurrent = concurrency.Select(c => new
        {
            clients = c.Clients,
            aggregate_tokens_per_s = Math.Round(c.AggregateTokensPerSecond, 1),
            median_ttft_ms = Math.Round(c.MedianTimeToFirstTokenMs, 3),
            p95_ttft_ms = Math.Round(c.P95TimeToFirstTokenMs, 3),
            speedup = Math.Round(c.AggregateTokensPerSecond / concurrency[0].AggregateTokensPerSecond, 3),
        }),
        in_process_concurrent = inProcessConcurrency.Select(c => new
        {
            clients = c.Clients,
            aggregate_tokens_per_s = Math.Round(c.AggregateTokensPerSecond, 1),
            median_ttft_ms = Math.Round(c.MedianTimeToFirstTokenMs, 3),
        }),
    }));
}
finally
{
    Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    Directory.Delete(scratch, recursive: true);
}

static async Task<Row> MeasureAsync(string name, int runs, Func<Task<StreamTiming>> answer)
{
    await answer();
    var timings = new List<StreamTiming>();
    for (int run = 0; run < runs; run++)
    {
        timings.Add(await answer());
    }

    return new Row(
        name,
        Median(timings.Select(t => t.TimeToFirstTokenMs)),
        Median(timings.Select(t => t.TokensPerSecond)),
        timings[0].Tokens);
}

static async Task<ConcurrencyRow> MeasureConcurrentAsync(int clients, int runs, Func<Task<StreamTiming>> answer)
{
    await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(answer)));
    var aggregate = new List<double>();
    var firstTokens = new List<double>();
    for (int run = 0; run < runs; run++)
    {
        var timings = await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(answer)));
        long start = timings.Min(t => t.Started);
        long end = timings.Max(t => t.LastToken);
        aggregate.Add(timings.Sum(t => t.Tokens) / (StreamTiming.Milliseconds(start, end) / 1000));
        firstTokens.AddRange(timings.Select(t => t.TimeToFirstTokenMs));
    }

    return new ConcurrencyRow(clients, Median(aggregate), Median(firstTokens), Percentile(firstTokens, 0.95));
}

static double Median(IEnumerable<double> values) => Percentile(values.ToList(), 0.5);

static double Percentile(List<double> values, double fraction)
{
    var sorted = values.Order().ToList();
    return sorted[(int)Math.Min(sorted.Count - 1, Math.Round(fraction * (sorted.Count - 1)))];
}

internal sealed record Row(string Name, double TimeToFirstTokenMs, double TokensPerSecond, int Tokens);

internal sealed record ConcurrencyRow(int Clients, double AggregateTokensPerSecond, double MedianTimeToFirstTokenMs, double P95TimeToFirstTokenMs);
