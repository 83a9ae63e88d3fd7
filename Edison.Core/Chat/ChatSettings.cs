namespace Edison.Core.Chat;

/// <summary>A person's chat settings; the page keeps them in the browser's localStorage under "edison_settings".</summary>
public sealed record ChatSettings
{
    public bool StreamResponses { get; init; } = true;

    public string Mode { get; init; } = ChatMode.Auto;

    public float Temperature { get; init; } = 0.7f;

    public int MaxTokens { get; init; } = 512;

    public bool Remember { get; init; } = true;
}
