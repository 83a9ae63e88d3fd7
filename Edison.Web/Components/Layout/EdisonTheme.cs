using MudBlazor;

namespace Edison.Web.Components.Layout;

/// <summary>
/// MudBlazor's palettes with the colours that fell short of WCAG's 4.5:1 for text changed (axe-core checks every state
/// of the page in both themes): a deeper pink behind white text, and in the dark theme a lighter purple, readable as
/// text on the dark background, with dark text on it where it is a background (the person's messages, buttons). A
/// banner's text is its severity's darker shade on a faint tint of it: darker still in the light theme, and a light
/// shade in the dark one, where a darker one sinks into the background.
/// </summary>
public static class EdisonTheme
{
    public static MudTheme Create() => new()
    {
        PaletteLight = new PaletteLight
        {
            Secondary = "#c2185b",
            WarningDarken = "#9a5b00",
            InfoDarken = "#0d5fa8",
            ErrorDarken = "#b71c1c",
            SuccessDarken = "#1b6e34",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#a59dff",
            PrimaryContrastText = "#16142e",
            Secondary = "#c2185b",
            TextSecondary = "rgba(255,255,255,0.72)",
            WarningDarken = "#ffc166",
            InfoDarken = "#90caf9",
            ErrorDarken = "#ef9a9a",
            SuccessDarken = "#81c784",
        },
    };
}
