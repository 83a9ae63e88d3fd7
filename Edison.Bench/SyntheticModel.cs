using Edison.Core.Gguf;

namespace Edison.Bench;

/// <summary>
/// The benchmark's model of realistic size, for measuring what per-token compute and sampling cost on a real small
/// model: 1024-wide, 24 layers, 16 heads, feed-forward 2816, context 4096, Q8_0 weights (about 370M parameters,
/// 400 MB) and a 32,000-piece vocabulary, written by <see cref="RandomModelWriter"/> once into a cache folder; never
/// committed and never needed by the tests.
/// </summary>
public static class SyntheticModel
{
    public const string Name = "synthetic-300m";

    public static readonly RandomModelSpec Spec = new(Name, Embedding: 1024, Layers: 24, Heads: 16, FeedForward: 2816, ContextLength: 4096, VocabularySize: 32_000);

    /// <summary>The model's file in the cache folder, written first if it is not there yet.</summary>
    public static string EnsureWritten(string cacheFolder)
    {
        var path = Path.Combine(cacheFolder, Name + ".gguf");
        if (!File.Exists(path))
        {
            Console.WriteLine($"writing {Name} to {path} (once)...");
            RandomModelWriter.Write(Spec, path);
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
