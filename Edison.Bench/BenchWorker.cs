using System.Diagnostics;
using System.Text.Json;

namespace Edison.Bench;

/// <summary>
/// Ways measured in a process of their own, driven over standard input and output, one command and one reply line
/// per run. llama.cpp's OpenMP keeps a worker team per calling thread and, once a process has more OpenMP threads
/// than processors, stops spinning between steps in every team; with more than one generation thread, LLamaSharp's
/// executors (which decode from pool threads) and Edison's engine in one process would slow each other and the floor
/// down. Each process here holds one of them, as a real deployment does.
/// </summary>
public sealed class BenchWorker : IAsyncDisposable
{
    public const string Executors = "executors";
    public const string InProcess = "in-process";
    public const string ReadCommand = "read ";
    public const string DuringCommand = "during ";
    public const string CallCommand = "call ";

    /// <summary>Tokens answered after a long prompt: enough for a first visible one, few enough to cost nothing.</summary>
    public const int PromptReadingTokens = 8;

    private const string ReplyPrefix = "@@ ";

    private readonly Process _process;

    private BenchWorker(Process process) => _process = process;

    /// <summary>Starts this program again as a worker of the given kind and waits until it is ready.</summary>
    public static async Task<BenchWorker> StartAsync(string kind, string[] arguments, string dataPath, int maxParallel)
    {
        var self = Environment.ProcessPath!;
        var start = new ProcessStartInfo(self)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };

        // Under `dotnet Edison.Bench.dll` the program is the dll, not the host.
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            start.ArgumentList.Add(typeof(BenchWorker).Assembly.Location);
        }

        foreach (var argument in arguments.Concat(["--worker", kind, "--data", dataPath, "--parallel", maxParallel.ToString()]))
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start)!;
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        var worker = new BenchWorker(process);
        await worker.ReadReplyAsync();
        return worker;
    }

    public async Task<StreamTiming[]> RunAsync(string command)
    {
        await _process.StandardInput.WriteLineAsync(command);
        await _process.StandardInput.FlushAsync();
        return JsonSerializer.Deserialize<StreamTiming[]>(await ReadReplyAsync())!;
    }

    /// <summary>The worker's side: answers each command with one reply line until its input ends.</summary>
    public static async Task ServeAsync(string kind, BenchOptions options, string dataPath, int maxParallel)
    {
        if (kind == Executors)
        {
            using var raw = new RawLlama(options);
            raw.Load();
            using var executor = raw.CreateBatchedExecutor();
            await AnswerCommandsAsync(async command => command switch
            {
                "stateless" => [await raw.StatelessAsync()],
                "batched" => [await raw.BatchedAsync(executor)],
                _ => throw new InvalidOperationException($"Unknown command {command}."),
            });
        }
        else
        {
            await using var edison = new InProcessEdison(options, dataPath, maxParallel);
            await edison.StartAsync();
            // "N": N numbered answers at once; "read TEXT": one short answer to a long message, for its prompt reading;
            // "during TEXT": that long message sent while an answer streams; "call free|string|numbers": an answer with a
            // tool offered, free or held to a call.
            await AnswerCommandsAsync(async command =>
                command.StartsWith(ReadCommand, StringComparison.Ordinal) ? [await edison.AnswerAsync(command[ReadCommand.Length..], PromptReadingTokens)]
                : command.StartsWith(DuringCommand, StringComparison.Ordinal) ? await edison.LongPromptDuringAStreamAsync(command[DuringCommand.Length..])
                : command.StartsWith(CallCommand, StringComparison.Ordinal) ? [await edison.CallAsync(command[CallCommand.Length..])]
                : await StreamTiming.AllAtOnceAsync(int.Parse(command), edison.AnswerAsync));
        }
    }

    public async ValueTask DisposeAsync()
    {
        _process.StandardInput.Close();
        if (!_process.WaitForExit(TimeSpan.FromSeconds(10)))
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    private static async Task AnswerCommandsAsync(Func<string, Task<StreamTiming[]>> run)
    {
        Console.WriteLine(ReplyPrefix + "ready");
        while (await Console.In.ReadLineAsync() is { } command)
        {
            Console.WriteLine(ReplyPrefix + JsonSerializer.Serialize(await run(command)));
        }
    }

    // llama.cpp may write its own log to standard output: only lines with the prefix are replies.
    private async Task<string> ReadReplyAsync()
    {
        while (await _process.StandardOutput.ReadLineAsync() is { } line)
        {
            if (line.StartsWith(ReplyPrefix, StringComparison.Ordinal))
            {
                return line[ReplyPrefix.Length..];
            }
        }

        await _process.WaitForExitAsync();
        throw new InvalidOperationException($"The benchmark's worker process ended (exit code {_process.ExitCode}).");
    }
}
