using MudBlazor;

namespace Edison.Web.Components.Layout;

/// <summary>
/// MudBlazor's palettes with the colours that fell short of WCAG's 4.5:1 for text changed (axe-core checks every state
/// of the page in both themes): a deeper pink behind white text, and in the dark theme a lighter purple, readable as
/// text on the dark background, with dark text on it where it is a background (the person's messages, buttons).
/// </summary>
public static class EdisonTheme
{
    public static MudTheme Create() => new()
    {
        PaletteLight = new PaletteLight
        {
            Secondary = "#c2185b",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#a59dff",
            PrimaryContrastText = "#16142e",
            Secondary = "#c2185b",
            TextSecondary = "rgba(255,255,255,0.72)",
        },
    };
}
