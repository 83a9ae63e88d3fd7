namespace Edison.Core.Gguf;

/// <summary>
/// gpt-oss's harmony format, for the models Edison writes: every message in a channel of its own, the thinking in
/// <c>analysis</c>, the answer in <c>final</c>; the generation prompt only starts the assistant's message.
/// </summary>
public static class Harmony
{
    public const string Template =
        "{% for message in messages %}{{ '<|start|>' + message['role'] }}{% if message['role'] == 'assistant' %}{{ '<|channel|>final' }}{% endif %}" +
        "{{ '<|message|>' + message['content'] + '<|end|>' }}{% endfor %}{% if add_generation_prompt %}{{ '<|start|>assistant' }}{% endif %}";

    /// <summary>The end of an answer and of a tool call: control tokens, the ends of generation.</summary>
    public static readonly IReadOnlyList<string> Tokens = ["<|return|>", "<|call|>"];

    /// <summary>The markup the model writes and reads as text (llama.cpp renders them: the reader parts the channels).</summary>
    public static readonly IReadOnlyList<string> Markers = ["<|start|>", "<|channel|>", "<|message|>", "<|end|>"];
}
