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
}
