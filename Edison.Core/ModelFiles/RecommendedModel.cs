namespace Edison.Core.ModelFiles;

/// <summary>A small instruct model Edison suggests, with its approximate download size and its licence.</summary>
public sealed record RecommendedModel(string Name, string Repo, string File, double ApproximateGigabytes, string Licence, string Note)
{
    /// <summary>
    /// Q4_K_M quantisations of current small models that this llama.cpp loads, smallest first; repository, file, size
    /// and licence as published on the hub. The thinking ones (Qwen3, the R1 distill, gpt-oss) show their thinking
    /// apart from the answer.
    /// </summary>
    public static IReadOnlyList<RecommendedModel> All { get; } =
    [
        new("Gemma 3 1B Instruct", "unsloth/gemma-3-1b-it-GGUF", "gemma-3-1b-it-Q4_K_M.gguf", 0.81, "Gemma Terms of Use", "the smallest; quick on any CPU"),
        new("DeepSeek-R1 Distill Qwen 1.5B", "unsloth/DeepSeek-R1-Distill-Qwen-1.5B-GGUF", "DeepSeek-R1-Distill-Qwen-1.5B-Q4_K_M.gguf", 1.12, "MIT", "thinks before every answer"),
        new("Qwen3 1.7B", "ggml-org/Qwen3-1.7B-GGUF", "Qwen3-1.7B-Q4_K_M.gguf", 1.28, "Apache-2.0", "thinks, or answers at once when told not to"),
        new("Llama 3.2 3B Instruct", "bartowski/Llama-3.2-3B-Instruct-GGUF", "Llama-3.2-3B-Instruct-Q4_K_M.gguf", 2.02, "Llama 3.2 Community License", "good all-rounder; needs ~4 GB of memory"),
        new("Gemma 3 4B Instruct", "ggml-org/gemma-3-4b-it-GGUF", "gemma-3-4b-it-Q4_K_M.gguf", 2.49, "Gemma Terms of Use", "strongest of the small ones; needs ~5 GB of memory"),
        new("gpt-oss 20B", "unsloth/gpt-oss-20b-GGUF", "gpt-oss-20b-Q4_K_M.gguf", 11.6, "Apache-2.0", "large: thinks at length; needs ~16 GB of memory"),
    ];
}
