using Edison.Core.Llama;

namespace Edison.Bench;

/// <summary>
/// What to measure: <c>--model PATH --tokens N --runs R --message TEXT --threads T --flash-attention auto|on|off</c>.
/// Threads 0 and flash attention auto (the defaults) are what Edison runs with when neither is configured.
/// </summary>
public sealed record BenchOptions(string ModelPath, bool IsDemo, int MaxTokens, int Runs, string Message, int ContextSize, int Threads, string FlashAttention)
{
    /// <summary>For LLamaSharp's parameters: null lets it choose.</summary>
    public int? ThreadCount => Threads > 0 ? Threads : null;

    /// <summary>The raw ways get the same flash attention as Edison, through Edison's own reading of the setting.</summary>
    public bool? UsesFlashAttention => new ModelOptions { FlashAttention = FlashAttention }.UsesFlashAttention;

    public static BenchOptions Parse(string[] args, string demoModelPath)
    {
        string? Value(string name)
        {
            int at = Array.IndexOf(args, name);
            return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
        }

        var model = Value("--model");
        return new BenchOptions(
            model is null ? demoModelPath : Path.GetFullPath(model),
            model is null,
            int.Parse(Value("--tokens") ?? "256"),
            int.Parse(Value("--runs") ?? "15"),
            Value("--message") ?? "Once upon a time",
            int.Parse(Value("--context") ?? "2048"),
            int.Parse(Value("--threads") ?? "0"),
            Value("--flash-attention") ?? "auto");
    }
}
