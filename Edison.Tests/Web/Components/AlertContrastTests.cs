using Edison.Tests.TestSupport;
using Edison.Web.Components.Layout;
using MudBlazor;
using MudBlazor.Utilities;

namespace Edison.Tests.Web.Components;

/// <summary>
/// Every banner the page shows (the demo model's, a refused message's, a failed answer's, a notice) is readable: its
/// text colour against its tinted background reaches WCAG's 4.5:1, in both themes. axe-core sees only the banners a
/// browser test happens to show; this looks at all four kinds.
/// </summary>
public sealed class AlertContrastTests
{
    public static TheoryData<string, string> Alerts => new()
    {
        { "light", "warning" }, { "light", "info" }, { "light", "error" }, { "light", "success" },
        { "dark", "warning" }, { "dark", "info" }, { "dark", "error" }, { "dark", "success" },
    };

    [Theory]
    [MemberData(nameof(Alerts))]
    public void An_alerts_text_is_readable_on_its_background(string theme, string severity)
    {
        Palette palette = theme == "light" ? EdisonTheme.Create().PaletteLight : EdisonTheme.Create().PaletteDark;
        var (colour, text) = severity switch
        {
            "warning" => (palette.Warning, palette.WarningDarken),
            "info" => (palette.Info, palette.InfoDarken),
            "error" => (palette.Error, palette.ErrorDarken),
            _ => (palette.Success, palette.SuccessDarken),
        };

        // MudBlazor's text alert: the severity's darker shade on the severity's hover tint over the page's background.
        var background = Over(colour, palette.HoverOpacity, palette.Background);
        double contrast = WcagContrast.Ratio(new MudColor(text), background);

        Assert.True(contrast >= 4.5, $"{severity} text {text} on {background} in the {theme} theme: {contrast:F2}:1");
    }

    private static MudColor Over(MudColor colour, double opacity, MudColor background) => new(
        (byte)Math.Round((colour.R * opacity) + (background.R * (1 - opacity))),
        (byte)Math.Round((colour.G * opacity) + (background.G * (1 - opacity))),
        (byte)Math.Round((colour.B * opacity) + (background.B * (1 - opacity))),
        (byte)255);
}
