using Edison.Core.Gguf;

namespace Edison.Bench;

/// <summary>
/// The benchmark's models of realistic size, written by <see cref="RandomModelWriter"/> once into a cache folder; never
/// committed and never needed by the tests. <c>synthetic-300m</c> measures what per-token compute and sampling cost on
/// a real small model: 1024-wide, 24 layers, 16 heads, feed-forward 2816, Q8_0 weights (about 370M parameters, 400 MB)
/// and a 32,000-piece vocabulary. <c>synthetic-1.7b</c> has the shape of the 1.7B thinking models people run on a CPU
/// (Qwen3-1.7B's width, depth and feed-forward, about 1.7B parameters, 1.8 GB; its vocabulary is the writer's largest,
/// smaller than Qwen3's, so its output layer costs a little less), for budgets that are about time, such as the
/// thinking's. Both have Qwen 2.5's template, which offers tools, so that what holding a call to its schema costs can be
/// measured; without tools it writes what ChatML writes.
/// </summary>
public static class SyntheticModel
{
    public const string Name = "synthetic-300m";

    public static readonly IReadOnlyList<RandomModelSpec> Specs =
    [
        new(Name, Embedding: 1024, Layers: 24, Heads: 16, FeedForward: 2816, ContextLength: 4096, VocabularySize: 32_000, ChatMl.ToolsTemplate, ChatMl.ToolCallTokens),
        new("synthetic-1.7b", Embedding: 2048, Layers: 28, Heads: 16, FeedForward: 6144, ContextLength: 4096, VocabularySize: 32_000, ChatMl.ToolsTemplate, ChatMl.ToolCallTokens),
    ];

    /// <summary>Raised whenever what the writer writes for a spec changes, so that a cached file of the old kind is written again.</summary>
    private const int Version = 2;

    /// <summary>The file of the synthetic model of that name in the cache folder, written first if it is not there yet; null for other names.</summary>
    public static string? EnsureWritten(string name, string cacheFolder)
    {
        if (Specs.FirstOrDefault(spec => spec.Name == name) is not { } spec)
        {
            return null;
        }

        var path = Path.Combine(cacheFolder, $"{name}-v{Version}.gguf");
        if (!File.Exists(path))
        {
            Console.WriteLine($"writing {name} to {path} (once)...");
            RandomModelWriter.Write(spec, path);
        }

        return path;
    }

    /// <summary>Where written models are kept between runs: $XDG_CACHE_HOME/edison-bench, or ~/.cache/edison-bench.</summary>
    public static string DefaultCacheFolder() => Path.Combine(
        Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } cache
            ? cache
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache"),
        "edison-bench");
}
