namespace Edison.Core.Gguf;

/// <summary>The ChatML chat template (Qwen's, SmolLM's and many more) and its turn markers, for the models Edison writes.</summary>
public static class ChatMl
{
    public const string Template =
        "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}" +
        "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

    public static readonly IReadOnlyList<string> Tokens = ["<|im_start|>", "<|im_end|>"];

    /// <summary>
    /// Qwen3's way: the model opens its thinking with <c>&lt;think&gt;</c>, and an empty think block after the
    /// generation prompt turns thinking off.
    /// </summary>
    public const string ThinkingTemplate =
        "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}" +
        "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}" +
        "{% if enable_thinking is defined and enable_thinking is false %}{{ '<think>\\n\\n</think>\\n\\n' }}{% endif %}{% endif %}";

    /// <summary>QwQ's way (and the DeepSeek-R1 distills'): the generation prompt opens the thinking, the model only closes it.</summary>
    public const string ThinkingOpenedTemplate =
        "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}" +
        "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n<think>\\n' }}{% endif %}";

    /// <summary>The thinking markup, tokens of their own that read as their text.</summary>
    public static readonly IReadOnlyList<string> ThinkTokens = ["<think>", "</think>"];

    /// <summary>
    /// Qwen 2.5's template for tools (the Hermes format), in its words: the tools as JSON lines between &lt;tools&gt;
    /// tags in the system turn, calls between &lt;tool_call&gt; tags, results in a user turn between &lt;tool_response&gt; tags.
    /// </summary>
    public const string ToolsTemplate =
        "{%- if tools %}{{- '<|im_start|>system\\n' }}{%- if messages[0]['role'] == 'system' %}{{- messages[0]['content'] + '\\n\\n' }}{%- endif %}" +
        "{{- \"# Tools\\n\\nYou may call one or more functions to assist with the user query.\\n\\nYou are provided with function signatures within <tools></tools> XML tags:\\n<tools>\" }}" +
        "{%- for tool in tools %}{{- \"\\n\" }}{{- tool | tojson }}{%- endfor %}" +
        "{{- \"\\n</tools>\\n\\nFor each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:\\n<tool_call>\\n{\\\"name\\\": <function-name>, \\\"arguments\\\": <args-json-object>}\\n</tool_call><|im_end|>\\n\" }}" +
        "{%- elif messages[0]['role'] == 'system' %}{{- '<|im_start|>system\\n' + messages[0]['content'] + '<|im_end|>\\n' }}{%- endif %}" +
        "{%- for message in messages %}" +
        "{%- if (message.role == 'user') or (message.role == 'system' and not loop.first) or (message.role == 'assistant' and not message.tool_calls) %}" +
        "{{- '<|im_start|>' + message.role + '\\n' + message.content + '<|im_end|>' + '\\n' }}" +
        "{%- elif message.role == 'assistant' %}{{- '<|im_start|>' + message.role }}{%- if message.content %}{{- '\\n' + message.content }}{%- endif %}" +
        "{%- for tool_call in message.tool_calls %}{%- if tool_call.function is defined %}{%- set tool_call = tool_call.function %}{%- endif %}" +
        "{{- '\\n<tool_call>\\n{\"name\": \"' }}{{- tool_call.name }}{{- '\", \"arguments\": ' }}{{- tool_call.arguments | tojson }}{{- '}\\n</tool_call>' }}{%- endfor %}" +
        "{{- '<|im_end|>\\n' }}" +
        "{%- elif message.role == 'tool' %}{%- if (loop.index0 == 0) or (messages[loop.index0 - 1].role != 'tool') %}{{- '<|im_start|>user' }}{%- endif %}" +
        "{{- '\\n<tool_response>\\n' }}{{- message.content }}{{- '\\n</tool_response>' }}" +
        "{%- if loop.last or (messages[loop.index0 + 1].role != 'tool') %}{{- '<|im_end|>\\n' }}{%- endif %}{%- endif %}{%- endfor %}" +
        "{%- if add_generation_prompt %}{{- '<|im_start|>assistant\\n' }}{%- endif %}";

    /// <summary>Qwen3's way with tools: Qwen 2.5's tools, and a generation prompt that can turn the thinking off.</summary>
    public const string ThinkingToolsTemplate =
        ToolsTemplate + "{%- if add_generation_prompt and enable_thinking is defined and enable_thinking is false %}{{- '<think>\\n\\n</think>\\n\\n' }}{%- endif %}";

    /// <summary>The Hermes format's tags, tokens of their own that read as their text (as in Qwen's vocabulary).</summary>
    public static readonly IReadOnlyList<string> ToolCallTokens = ["<tool_call>", "</tool_call>", "<tool_response>", "</tool_response>"];
}
