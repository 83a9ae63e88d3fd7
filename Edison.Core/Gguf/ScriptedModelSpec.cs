namespace Edison.Core.Gguf;

/// <summary>
/// Describes a tiny llama-architecture model whose greedy answer to any prompt is <see cref="Script"/>.
/// </summary>
/// <param name="Name">Stored as <c>general.name</c>.</param>
/// <param name="Script">The text the model writes, then it emits end-of-sequence.</param>
/// <param name="Repeat">When true the model never ends: after the script it starts it again.</param>
/// <param name="ChatTemplate">A Jinja chat template to store in the file, or null for a model without one.</param>
/// <param name="ControlTokens">
/// Extra control tokens for the vocabulary, such as a template's turn markers; one the script writes is that token.
/// </param>
/// <param name="MarkerTokens">
/// Tokens that stand whole wherever the script writes them and read as their text, as a thinking model's
/// <c>&lt;think&gt;</c> and <c>&lt;/think&gt;</c> do (llama.cpp's user-defined tokens).
/// </param>
/// <param name="ContextLength">The training context length written to the metadata.</param>
/// <param name="AttentionWeight">
/// 0 for a model that follows its script exactly. Larger values give attention a say, so the answer depends on the
/// whole conversation: a wander through the script's tokens that differs from prompt to prompt.
/// </param>
public sealed record ScriptedModelSpec(
    string Name,
    string Script,
    bool Repeat = false,
    string? ChatTemplate = null,
    IReadOnlyList<string>? ControlTokens = null,
    IReadOnlyList<string>? MarkerTokens = null,
    int ContextLength = 4096,
    float AttentionWeight = 0f);
