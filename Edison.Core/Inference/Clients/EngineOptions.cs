using System.ComponentModel.DataAnnotations;

namespace Edison.Core.Inference.Clients;

/// <summary>
/// Settings under <c>Edison:Engine</c>: which engine writes the answers. <c>Local</c> (the default) runs the GGUF
/// model here; <c>OpenAI</c> sends the conversation to any OpenAI-compatible server (llama.cpp's server, vLLM, Ollama,
/// another Edison) through Microsoft.Extensions.AI.
/// </summary>
public sealed class EngineOptions
{
    public const string Section = "Edison:Engine";
    public const string Local = "Local";
    public const string OpenAI = "OpenAI";

    public string Kind { get; set; } = Local;

    /// <summary>The server's OpenAI base URL, e.g. http://inference:8080/v1.</summary>
    public string? Endpoint { get; set; }

    public string? ApiKey { get; set; }

    /// <summary>The model name the server is asked for.</summary>
    public string Model { get; set; } = "default";

    /// <summary>The remote model's context, for fitting conversations and limiting max_tokens.</summary>
    [Range(256, 1 << 22)]
    public int ContextSize { get; set; } = 8192;

    /// <summary>Whether the remote model takes images.</summary>
    public bool CanSeeImages { get; set; }

    public bool IsRemote => string.Equals(Kind, OpenAI, StringComparison.OrdinalIgnoreCase);
}
