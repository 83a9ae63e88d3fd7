namespace Edison.Core.ModelFiles;

/// <summary>A small instruct model Edison suggests, with its approximate download size and its licence.</summary>
public sealed record RecommendedModel(string Name, string Repo, string File, double ApproximateGigabytes, string Licence, string Note)
{
    /// <summary>Q4_K_M quantisations that run on a CPU with a few GB of memory; sizes as published on the hub.</summary>
    public static IReadOnlyList<RecommendedModel> All { get; } =
    [
        new("Qwen2.5 0.5B Instruct", "Qwen/Qwen2.5-0.5B-Instruct-GGUF", "qwen2.5-0.5b-instruct-q4_k_m.gguf", 0.49, "Apache-2.0", "the smallest; quick on any CPU"),
        new("Llama 3.2 1B Instruct", "bartowski/Llama-3.2-1B-Instruct-GGUF", "Llama-3.2-1B-Instruct-Q4_K_M.gguf", 0.81, "Llama 3.2 Community License", "good all-rounder for its size"),
        new("Qwen2.5 1.5B Instruct", "Qwen/Qwen2.5-1.5B-Instruct-GGUF", "qwen2.5-1.5b-instruct-q4_k_m.gguf", 1.12, "Apache-2.0", "better answers, still fast"),
        new("SmolLM2 1.7B Instruct", "bartowski/SmolLM2-1.7B-Instruct-GGUF", "SmolLM2-1.7B-Instruct-Q4_K_M.gguf", 1.06, "Apache-2.0", "fully open data"),
        new("Phi-3.5 mini Instruct", "bartowski/Phi-3.5-mini-instruct-GGUF", "Phi-3.5-mini-instruct-Q4_K_M.gguf", 2.39, "MIT", "strongest here; needs ~4 GB of memory"),
    ];
}
