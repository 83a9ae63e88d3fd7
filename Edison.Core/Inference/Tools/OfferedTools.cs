using Microsoft.Extensions.AI;

namespace Edison.Core.Inference.Tools;

/// <summary>
/// The functions a model is offered, as the caller's tool mode says: none when it says none, only the one it names when
/// it names one, otherwise all of them.
/// </summary>
public static class OfferedTools
{
    public static IReadOnlyList<AIFunctionDeclaration> Of(IEnumerable<AITool>? tools, ChatToolMode? mode) => mode switch
    {
        _ when tools is null => [],
        NoneChatToolMode => [],
        RequiredChatToolMode { RequiredFunctionName: { } name } => [.. tools.OfType<AIFunctionDeclaration>().Where(tool => tool.Name == name)],
        _ => [.. tools.OfType<AIFunctionDeclaration>()],
    };

    /// <summary>Whether a text is a function's name as OpenAI allows one: 1 to 64 letters, digits, underscores and dashes.</summary>
    public static bool IsName([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] string? name) =>
        name is { Length: > 0 and <= 64 } && name.All(IsNameCharacter);

    public static bool IsNameCharacter(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '-';
}
