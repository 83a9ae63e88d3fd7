using System.Globalization;
using System.Text.Json;
using Edison.Bench;
using Edison.Core.Inference.Models;
using Edison.Core.ModelFiles;
using Edison.Core.Gguf;

// Edison's benchmark: the same model, prompt and settings measured several ways in one run.
//   dotnet run -c Release --project Edison.Bench -- [--model file.gguf|synthetic-300m|synthetic-1.7b] [--tokens 256] [--runs 15]
//       [--threads N] [--flash-attention auto|on|off] [--prompt-tokens 2000] [--turns 10] [--turn-tokens 64]
//       [--prompt-chunk C] [--only single,concurrent,reading,turns,during,depth,tools]
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
                      $"{options.Runs} runs each (medians); {options.ThreadCount} threads{(options.Threads > 0 ? string.Empty : " (Edison's default: one per physical core)")}; flash attention {options.FlashAttention}; " +
                      $"context {options.ContextSize}; message \"{options.Message}\"; every request to Edison is a new message");
    const int maxClients = 8;

    // This process runs only the raw decode loop (one thread); LLamaSharp's executors and Edison in-process each run
    // in a process of their own (see BenchWorker), and Edison over HTTP in Edison.Web.
    using var raw = new RawLlama(options);
    raw.Load();
    using var context = raw.CreateContext(maxClients);
    await using var executors = await BenchWorker.StartAsync(BenchWorker.Executors, options.Arguments(), Path.Combine(scratch, "executors"), maxClients);
    await using var inProcess = await BenchWorker.StartAsync(BenchWorker.InProcess, options.Arguments(), Path.Combine(scratch, "in-process"), maxClients);
    await using var http = new HttpEdison(options, Path.Combine(scratch, "http"), maxParallel: maxClients);
    await http.StartAsync();

    var sections = new BenchSections(options, raw, context, executors, inProcess, http, scratch);
    var report = new Dictionary<string, object>
    {
        ["model"] = options.IsDemo ? "edison-demo" : Path.GetFileName(options.ModelPath),
        ["max_tokens"] = options.MaxTokens,
        ["threads"] = options.ThreadCount,
        ["flash_attention"] = options.FlashAttention,
        ["runs"] = options.Runs,
    };
    foreach (var section in options.Only)
    {
        report[section] = section switch
        {
            "single" => await sections.SingleStreamAsync(),
            "concurrent" => await sections.ConcurrentAsync(),
            "reading" => await sections.PromptReadingAsync(),
            "turns" => await sections.ConversationAsync(),
            "depth" => await sections.DepthAsync(),
            "tools" => await sections.ConstrainedCallsAsync(),
            _ => await sections.LongPromptDuringAStreamAsync(),
        };
    }

    Console.WriteLine();
    Console.WriteLine(JsonSerializer.Serialize(report));
}
finally
{
    Directory.Delete(scratch, recursive: true);
}
