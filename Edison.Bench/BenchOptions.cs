namespace Edison.Bench;

/// <summary>What to measure: <c>--model PATH --tokens N --runs R --message TEXT --threads T</c>.</summary>
public sealed record BenchOptions(string ModelPath, bool IsDemo, int MaxTokens, int Runs, string Message, int ContextSize, int Threads)
{
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
            int.Parse(Value("--threads") ?? Math.Max(1, Environment.ProcessorCount).ToString()));
    }
}
