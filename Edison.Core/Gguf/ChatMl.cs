namespace Edison.Core.Gguf;

/// <summary>The ChatML chat template (Qwen's, SmolLM's and many more) and its turn markers, for the models Edison writes.</summary>
public static class ChatMl
{
    public const string Template =
        "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}" +
        "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

    public static readonly IReadOnlyList<string> Tokens = ["<|im_start|>", "<|im_end|>"];
}
