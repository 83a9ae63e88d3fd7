using Edison.Core.Inference.Models;

namespace Edison.Bench;

/// <summary>
/// What to measure: <c>--model PATH|synthetic-300m|synthetic-1.7b --tokens N --runs R --message TEXT --threads T --flash-attention auto|on|off
/// --prompt-tokens P --turns T --turn-tokens N --prompt-chunk C --only single,concurrent,reading,turns,during,depth,tools</c>.
/// Threads 0 and flash attention auto (the defaults) are what Edison runs with when neither is configured.
/// </summary>
public sealed record BenchOptions(string ModelPath, bool IsDemo, int MaxTokens, int Runs, string Message, int ContextSize, int Threads, string FlashAttention)
{
    public static readonly string[] Sections = ["single", "concurrent", "reading", "turns", "during", "depth", "tools"];

    /// <summary>Edison:Model:PromptChunkWhileStreaming for the Edisons measured; null leaves Edison's default.</summary>
    public int? PromptChunk { get; private init; }

    /// <summary>The long prompt whose reading is measured, in tokens.</summary>
    public int PromptTokens { get; private init; } = 2000;

    /// <summary>The turns of the measured conversation, and the tokens of each answer in it.</summary>
    public int Turns { get; private init; } = 10;

    public int TurnTokens { get; private init; } = 64;

    public IReadOnlyList<string> Only { get; private init; } = Sections;
    /// <summary>The threads every way runs with: as given, or Edison's default when 0.</summary>
    public int ThreadCount { get; private init; }

    /// <summary>The arguments that give a worker process these same options, the model included.</summary>
    public string[] Arguments() =>
    [
        "--model", ModelPath, "--tokens", MaxTokens.ToString(), "--runs", Runs.ToString(), "--message", Message,
        "--context", ContextSize.ToString(), "--threads", Threads.ToString(), "--flash-attention", FlashAttention,
        .. PromptChunk is { } chunk ? new[] { "--prompt-chunk", chunk.ToString() } : [],
    ];

    /// <summary>The raw ways get the same flash attention as Edison, through Edison's own reading of the setting.</summary>
    public bool? UsesFlashAttention => new ModelOptions { FlashAttention = FlashAttention }.UsesFlashAttention;

    public static string? Value(string[] args, string name)
    {
        int at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }

    public static BenchOptions Parse(string[] args, string demoModelPath)
    {
        string? Value(string name) => BenchOptions.Value(args, name);

        var model = Value("--model");
        if (model is not null)
        {
            model = SyntheticModel.EnsureWritten(model, Value("--cache") ?? SyntheticModel.DefaultCacheFolder()) ?? model;
        }

        int threads = int.Parse(Value("--threads") ?? "0");
        return new BenchOptions(
            model is null ? demoModelPath : Path.GetFullPath(model),
            model is null,
            int.Parse(Value("--tokens") ?? "256"),
            int.Parse(Value("--runs") ?? "15"),
            Value("--message") ?? "Once upon a time",
            int.Parse(Value("--context") ?? "4096"),
            threads,
            Value("--flash-attention") ?? "auto")
        {
            ThreadCount = new ModelOptions { Threads = threads }.GenerationThreads(),
            PromptTokens = int.Parse(Value("--prompt-tokens") ?? "2000"),
            Turns = int.Parse(Value("--turns") ?? "10"),
            TurnTokens = int.Parse(Value("--turn-tokens") ?? "64"),
            PromptChunk = Value("--prompt-chunk") is { } chunk ? int.Parse(chunk) : null,
            Only = Value("--only")?.Split(',') is { } only
                ? only.Intersect(Sections).ToList() is { Count: > 0 } known ? known : throw new ArgumentException($"--only takes some of {string.Join(',', Sections)}.")
                : Sections,
        };
    }
}
