namespace Edison.Core.Gguf;

/// <summary>
/// gpt-oss's harmony format, for the models Edison writes: every message in a channel of its own, the thinking in
/// <c>analysis</c>, the answer in <c>final</c>, calls in <c>commentary</c> addressed to a function; the generation
/// prompt only starts the assistant's message.
/// </summary>
public static class Harmony
{
    public const string Template =
        "{% for message in messages %}{{ '<|start|>' + message['role'] }}{% if message['role'] == 'assistant' %}{{ '<|channel|>final' }}{% endif %}" +
        "{{ '<|message|>' + message['content'] + '<|end|>' }}{% endfor %}{% if add_generation_prompt %}{{ '<|start|>assistant' }}{% endif %}";

    /// <summary>gpt-oss's template for tools, in the parts that write them: the tools' namespace, calls and results.</summary>
    public const string ToolsTemplate =
        "{{- '<|start|>system<|message|>' }}{%- if tools -%}{{- \"\\nCalls to these tools must go to the commentary channel: 'functions'.\" }}{%- endif -%}{{- '<|end|>' }}" +
        "{%- if tools -%}{{- '<|start|>developer<|message|># Tools\\n\\n## functions\\n\\nnamespace functions {\\n\\n' }}{{- '} // namespace functions<|end|>' }}{%- endif -%}" +
        "{%- for message in messages -%}{%- if 'tool_calls' in message -%}" +
        "{{- '<|start|>assistant to=' }}{{- 'functions.' + message.tool_calls[0].function.name + '<|channel|>commentary json<|message|>' }}{{- message.tool_calls[0].function.arguments|tojson }}{{- '<|call|>' }}" +
        "{%- elif message.role == 'tool' -%}{{- '<|start|>functions.' + message.name + ' to=assistant<|channel|>commentary<|message|>' + message.content|tojson + '<|end|>' }}" +
        "{%- elif message.role == 'assistant' -%}{{- '<|start|>assistant<|channel|>final<|message|>' + message.content + '<|end|>' }}" +
        "{%- else -%}{{- '<|start|>' + message.role + '<|message|>' + message.content + '<|end|>' }}{%- endif -%}{%- endfor -%}" +
        "{%- if add_generation_prompt -%}<|start|>assistant{%- endif -%}";

    /// <summary>
    /// Control tokens, as gpt-oss's GGUFs have them: the end of a message (which llama.cpp shows as text and does not end
    /// generation with, for a vocabulary that has the next two) and the ends of generation, an answer's and a call's.
    /// </summary>
    public static readonly IReadOnlyList<string> Tokens = ["<|end|>", "<|return|>", "<|call|>"];

    /// <summary>The markup llama.cpp shows as text for gpt-oss (its user-defined tokens): the reader parts the channels by it.</summary>
    public static readonly IReadOnlyList<string> Markers = ["<|start|>", "<|channel|>", "<|message|>", "<|constrain|>"];
}
