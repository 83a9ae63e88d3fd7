using System.Globalization;
using System.Text.Json;
using Edison.Bench;
using Edison.Core.Llama;
using Edison.Core.Llama.Gguf;

// Edison's benchmark: the same model, prompt and settings measured four ways in one run.
//   dotnet run -c Release --project Edison.Bench -- [--model file.gguf] [--tokens 256] [--runs 15] [--threads N] [--flash-attention auto|on|off]
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
if (BenchOptions.Value(args, "--worker") is { } workerKind)
{
    await BenchWorker.ServeAsync(workerKind, BenchOptions.Parse(args, string.Empty), BenchOptions.Value(args, "--data")!, int.Parse(BenchOptions.Value(args, "--parallel")!));
    return;
}

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
                      $"{options.Runs} runs each (medians); {options.ThreadCount} threads{(options.Threads > 0 ? string.Empty : " (Edison's default: one per physical core)")}; flash attention {options.FlashAttention}; message \"{options.Message}\"");
    int[] clientCounts = [1, 2, 4, 8];

    // This process runs only the raw decode loop (one thread); LLamaSharp's executors and Edison in-process each run
    // in a process of their own (see BenchWorker), and Edison over HTTP in Edison.Web.
    using var raw = new RawLlama(options);
    raw.Load();
    using var context = raw.CreateContext(clientCounts.Max());
    await using var executors = await BenchWorker.StartAsync(BenchWorker.Executors, options.Arguments(), Path.Combine(scratch, "executors"), clientCounts.Max());
    await using var inProcess = await BenchWorker.StartAsync(BenchWorker.InProcess, options.Arguments(), Path.Combine(scratch, "in-process"), clientCounts.Max());
    await using var http = new HttpEdison(options, Path.Combine(scratch, "http"), maxParallel: clientCounts.Max());
    await http.StartAsync();

    Way[] singleWays =
    [
        new("1a raw LLamaSharp StatelessExecutor", () => executors.RunAsync("stateless")),
        new("1b raw LLamaSharp BatchedExecutor", () => executors.RunAsync("batched")),
        new("1c raw LLamaSharp LLamaContext.Decode", () => raw.DirectDecodeAsync(context, 1)),
        new("2  Edison ChatPipeline in-process", () => inProcess.RunAsync("1")),
        new("3  Edison /chat/stream over HTTP", async () => [await http.StreamAsync()]),
    ];
    const int rawWays = 3;
    var single = await Rounds.MeasureAsync([singleWays], options.Runs);

    // The raw loop decodes every sequence in one batch per step: what batching itself gives, before anything of Edison's.
    string[] kinds = ["raw decode loop, one batch", "Edison in-process", "/chat/stream clients"];
    var concurrent = await Rounds.MeasureAsync(
        clientCounts.Select(n => new Way[]
        {
            new(Concurrent(kinds[0], n), () => raw.DirectDecodeAsync(context, n)),
            new(Concurrent(kinds[1], n), () => inProcess.RunAsync(n.ToString())),
            new(Concurrent(kinds[2], n), () => StreamTiming.AllAtOnceAsync(n, http.StreamAsync)),
        }).ToList(),
        options.Runs);

    // The floor is the fastest raw LLamaSharp way, so the ratios never flatter Edison; fastest as ranked within rounds.
    int floor = Enumerable.Range(0, rawWays).MaxBy(way => single.RateRatio(way, 0));
    var singleRows = singleWays.Select((w, way) => new SingleRow(
        w.Name,
        single.TimeToFirstTokenMs(way),
        single.TokensPerSecond(way),
        single.Tokens(way),
        single.RateRatio(way, floor),
        single.AddedTimeToFirstTokenMs(way, floor))).ToList();
    var concurrentRows = kinds.SelectMany(kind => clientCounts.Select(n =>
    {
        int way = concurrent.IndexOf(Concurrent(kind, n));
        return new ConcurrentRow(
            kind,
            n,
            concurrent.AggregateTokensPerSecond(way),
            concurrent.TimeToFirstTokenMs(way),
            concurrent.P95TimeToFirstTokenMs(way),
            concurrent.AggregateRatio(way, concurrent.IndexOf(Concurrent(kind, 1))),
            concurrent.AggregateRatio(way, concurrent.IndexOf(Concurrent(kinds[0], n))));
    })).ToList();

    Console.WriteLine();
    Console.WriteLine($"floor (1): {singleWays[floor].Name.Trim()}; ratios and added TTFT are medians of each round's own (both sides measured a moment apart)");
    Console.WriteLine($"{"measurement",-40} {"TTFT ms",9} {"tok/s",9} {"vs (1) tok/s",12} {"TTFT +ms vs (1)",15}");
    foreach (var row in singleRows)
    {
        Console.WriteLine($"{row.Name,-40} {row.TimeToFirstTokenMs,9:F2} {row.TokensPerSecond,9:F0} {row.VsFloor,12:F3} {row.AddedTimeToFirstTokenMs,15:F2}");
    }

    Console.WriteLine();
    Console.WriteLine($"{"N streams at once",-36} {"aggregate tok/s",16} {"median TTFT ms",15} {"p95 TTFT ms",12} {"speed-up vs N=1",16} {"vs raw same N",14}");
    foreach (var row in concurrentRows)
    {
        Console.WriteLine($"{Concurrent(row.Kind, row.Clients),-36} {row.AggregateTokensPerSecond,16:F0} {row.MedianTimeToFirstTokenMs,15:F2} {row.P95TimeToFirstTokenMs,12:F2} " +
                          $"{row.SpeedUp,16:F2} {row.VsRaw,14:F3}");
    }

    Console.WriteLine();
    Console.WriteLine(JsonSerializer.Serialize(new
    {
        model = options.IsDemo ? "edison-demo" : Path.GetFileName(options.ModelPath),
        max_tokens = options.MaxTokens,
        threads = options.ThreadCount,
        flash_attention = options.FlashAttention,
        runs = options.Runs,
        single = singleRows.Select(row => new
        {
            name = row.Name,
            ttft_ms = Math.Round(row.TimeToFirstTokenMs, 3),
            tokens_per_s = Math.Round(row.TokensPerSecond, 1),
            tokens = row.Tokens,
            vs_floor = Math.Round(row.VsFloor, 3),
            added_ttft_ms = Math.Round(row.AddedTimeToFirstTokenMs, 3),
        }),
        concurrent = concurrentRows.GroupBy(row => row.Kind).Select(group => new
        {
            kind = group.Key,
            streams = group.Select(row => new
            {
                clients = row.Clients,
                aggregate_tokens_per_s = Math.Round(row.AggregateTokensPerSecond, 1),
                median_ttft_ms = Math.Round(row.MedianTimeToFirstTokenMs, 3),
                p95_ttft_ms = Math.Round(row.P95TimeToFirstTokenMs, 3),
                speedup = Math.Round(row.SpeedUp, 3),
                vs_raw = Math.Round(row.VsRaw, 3),
            }),
        }),
    }));
}
finally
{
    Directory.Delete(scratch, recursive: true);
}

static string Concurrent(string kind, int streams) => $"{kind}, N = {streams}";

internal sealed record SingleRow(string Name, double TimeToFirstTokenMs, double TokensPerSecond, int Tokens, double VsFloor, double AddedTimeToFirstTokenMs);

internal sealed record ConcurrentRow(string Kind, int Clients, double AggregateTokensPerSecond, double MedianTimeToFirstTokenMs, double P95TimeToFirstTokenMs, double SpeedUp, double VsRaw);
