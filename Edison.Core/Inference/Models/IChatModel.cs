using Edison.Core.Inference.Prompts;
using Microsoft.Extensions.AI;


namespace Edison.Core.Inference.Models;

/// <summary>What the pipeline needs to know of the model that answers, whether it runs here or on a remote server.</summary>
public interface IChatModel
{
    string Name { get; }

    int ContextSize { get; }

    bool IsDemo { get; }

    bool CanSeeImages { get; }

    DateTimeOffset LoadedAt { get; }

    /// <summary>Text that ends an answer when the model's own chat template cannot (the plain fallback format).</summary>
    IReadOnlyList<string> StopStrings { get; }

    /// <summary>
    /// The most UTF-8 bytes one token stands for: text of more bytes than a number of tokens times this cannot fit in
    /// them, which is known without tokenizing it.
    /// </summary>
    int LongestTokenBytes { get; }

    /// <summary>Tokens of plain content, such as a remembered exchange put into a prompt.</summary>
    int CountTokens(string text);

    /// <summary>Tokens of a whole prompt, as the model will read it.</summary>
    int CountTokens(PromptText prompt);

    /// <summary>How the model marks its thinking; null for a model that does not think (or one Edison cannot see into).</summary>
    ThinkingFormat? Thinking { get; }

    /// <summary>Whether the model can be offered tools and call them.</summary>
    bool CanCallTools { get; }

    /// <summary>
    /// The conversation as the model reads it, for counting its tokens; <paramref name="thinkingOff"/> asks a thinking
    /// model that can be told so (<see cref="ThinkingFormat.Off"/>) to answer without thinking.
    /// </summary>
    PromptText Format(IReadOnlyList<ChatTurn> turns, bool thinkingOff = false, IReadOnlyList<AIFunctionDeclaration>? tools = null);
}

/// <summary>The model Edison answers with, and whether it is there yet.</summary>
public interface IChatModelSource
{
    ModelState State { get; }

    IChatModel? Model { get; }

    string? Failure { get; }

    /// <summary>Raised after a model was loaded or switched to; may be raised on any thread.</summary>
    event Action? Changed;

    /// <summary>A lease on the current model for as long as it is used, or null while none is loaded.</summary>
    IModelLease? Acquire();

    Task<IChatModel> WhenModelReadyAsync(CancellationToken cancellationToken);
}
