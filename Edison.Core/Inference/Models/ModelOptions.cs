using System.ComponentModel.DataAnnotations;

namespace Edison.Core.Inference.Models;

/// <summary>Settings under <c>Edison:Model</c>: which GGUF to load and how.</summary>
public sealed class ModelOptions
{
    public const string Section = "Edison:Model";

    /// <summary>The GGUF file to load; empty means Edison's built-in demo model.</summary>
    public string? Path { get; set; }

    [Range(256, 1 << 20)]
    public int ContextSize { get; set; } = 4096;

    /// <summary>
    /// The multimodal projector (mmproj GGUF) that lets a vision model see images; empty means images are refused.
    /// </summary>
    public string? MultimodalProjectorPath { get; set; }

    [Range(0, 1000)]
    public int GpuLayerCount { get; set; }

    /// <summary>CPU threads for generation; 0 means one per physical core.</summary>
    [Range(0, 1024)]
    public int Threads { get; set; }

    /// <summary>
    /// The threads generation runs with: <see cref="Threads"/>, or one per physical core when it is 0 (read from the
    /// processor topology, so callers keep the result).
    /// </summary>
    public int GenerationThreads() => Threads > 0 ? Threads : ProcessorCores.Physical();

    /// <summary>CPU threads for reading prompts (llama.cpp's batch threads); 0 means as many as <see cref="Threads"/>.</summary>
    [Range(0, 1024)]
    public int BatchThreads { get; set; }

    /// <summary>The threads prompts are read with: <see cref="BatchThreads"/>, or the generation threads when it is 0.</summary>
    public int PromptThreads(int generationThreads) => BatchThreads > 0 ? BatchThreads : generationThreads;

    /// <summary>Tokens decoded per batch: a prompt read while nothing else is answering goes in chunks of this size.</summary>
    [Range(1, 1 << 16)]
    public int BatchSize { get; set; } = 512;

    /// <summary>
    /// The prompt tokens read per batch while other answers are streaming: each batch holds one token of every
    /// streaming answer, so a larger chunk reads a new prompt sooner but holds the streams' next tokens back longer.
    /// </summary>
    [Range(1, 1 << 16)]
    public int PromptChunkWhileStreaming { get; set; } = 128;

    /// <summary>
    /// llama.cpp's flash attention: <c>auto</c> (its choice: on wherever the backend has it), <c>on</c> or <c>off</c>.
    /// On a CPU it is not always the faster path (it depends on the model's head size and the processor), so it is
    /// worth measuring both with Edison.Bench.
    /// </summary>
    [RegularExpression("(?i)^(auto|on|off)$", ErrorMessage = "Edison:Model:FlashAttention must be auto, on or off.")]
    public string FlashAttention { get; set; } = "auto";

    /// <summary><see cref="FlashAttention"/> for LLamaSharp: null leaves the choice to llama.cpp.</summary>
    public bool? UsesFlashAttention => AutoOnOff(FlashAttention);

    /// <summary>
    /// Whether streaming answers decode each in a step of its own instead of together in one batch: <c>auto</c>
    /// (measured for two and three answers when the model's context is made, on this machine and model), <c>on</c>
    /// (always apart) or <c>off</c> (always one batch). One batch reads the weights once for every answer in it, but
    /// some processors' kernels for a few rows cost more than that many single rows.
    /// </summary>
    [RegularExpression("(?i)^(auto|on|off)$", ErrorMessage = "Edison:Model:SeparateSteps must be auto, on or off.")]
    public string SeparateSteps { get; set; } = "auto";

    /// <summary><see cref="SeparateSteps"/> as a choice: null measures.</summary>
    public bool? DecodesApart => AutoOnOff(SeparateSteps);

    /// <summary>
    /// Conversations decoded together on the one model; more wait their turn in arrival order. Each gets the full
    /// <see cref="ContextSize"/>, so the KV cache holds ContextSize × MaxParallel tokens.
    /// </summary>
    [Range(1, 64)]
    public int MaxParallel { get; set; } = 4;

    /// <summary>
    /// Requests that may wait for their turn; one more is answered 503 with Retry-After. Unset: four times
    /// <see cref="MaxParallel"/>.
    /// </summary>
    [Range(0, 100_000)]
    public int? MaxQueued { get; set; }

    public int QueueLimit => MaxQueued ?? 4 * MaxParallel;

    /// <summary>
    /// The prompt cache: when an answer ends its sequence stays in the KV cache, and a request whose prompt starts with
    /// the same tokens (the conversation's next turn) reads only what follows them.
    /// </summary>
    public bool PromptCache { get; set; } = true;

    /// <summary>
    /// How many finished sequences the prompt cache keeps (in the sequences not running); unset: all of
    /// <see cref="MaxParallel"/>. More conversations than that share them, the one used least recently giving way.
    /// </summary>
    [Range(0, 64)]
    public int? PromptCacheSequences { get; set; }

    public int KeptSequences => PromptCache ? Math.Min(PromptCacheSequences ?? MaxParallel, MaxParallel) : 0;

    /// <summary>An auto/on/off setting as a choice: null for auto.</summary>
    private static bool? AutoOnOff(string setting) => setting.ToLowerInvariant() switch
    {
        "on" => true,
        "off" => false,
        _ => null,
    };
}
