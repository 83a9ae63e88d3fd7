namespace Edison.Core.Inference.Tools;

/// <summary>Tools offered to, or calls in a conversation with, a model whose chat template describes no tool calls.</summary>
public sealed class ToolCallsUnsupportedException(string model)
    : InvalidOperationException($"The model \"{model}\" cannot call tools: its chat template says nothing of tool calls. Load a model whose template does (Qwen 2.5 or 3, Hermes) to use tools.");
