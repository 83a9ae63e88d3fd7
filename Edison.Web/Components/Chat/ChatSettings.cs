using Edison.Core.Modes;

namespace Edison.Web.Components.Chat;

/// <summary>
/// A person's chat settings; the page keeps them in the browser's localStorage under "edison_settings". Temperature
/// and max tokens are the mode's and the server's unless the person sets them.
/// </summary>
public sealed record ChatSettings
{
    public bool StreamResponses { get; init; } = true;

    public string Mode { get; init; } = ChatMode.Auto;

    /// <summary>Null: the mode's own (or the server's <c>Edison:Generation:Temperature</c>).</summary>
    public float? Temperature { get; init; }

    /// <summary>Null: the server's <c>Edison:Generation:MaxTokens</c>.</summary>
    public int? MaxTokens { get; init; }

    /// <summary>False: the answers are stored all the same, but never recalled as memories in other conversations.</summary>
    public bool Remember { get; init; } = true;

    /// <summary>False: a thinking model that can be told so answers without thinking (one that cannot thinks anyway).</summary>
    public bool Think { get; init; } = true;

    /// <summary>Null: the server's <c>Edison:Generation:MaxReasoningTokens</c>.</summary>
    public int? MaxReasoningTokens { get; init; }

    /// <summary>The page's colours: the system's preference, light or dark (see <see cref="Layout.PageTheme"/>).</summary>
    public string Theme { get; init; } = Layout.PageTheme.System;
}
