namespace Edison.Core.Inference.Prompts;

/// <summary>One message of a conversation as a prompt sees it.</summary>
public sealed record ChatTurn(string Role, string Content)
{
    public const string System = "system";
    public const string User = "user";
    public const string Assistant = "assistant";
}
