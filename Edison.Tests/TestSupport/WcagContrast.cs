using MudBlazor.Utilities;

namespace Edison.Tests.TestSupport;

/// <summary>WCAG 2's contrast ratio between two colours (1 to 21): 4.5 for text, 3 for what is not text.</summary>
public static class WcagContrast
{
    public static double Ratio(MudColor a, MudColor b)
    {
        double lighter = Math.Max(Luminance(a), Luminance(b)), darker = Math.Min(Luminance(a), Luminance(b));
        return (lighter + 0.05) / (darker + 0.05);
    }

    private static double Luminance(MudColor colour)
    {
        static double Channel(byte value)
        {
            double c = value / 255.0;
            return c <= 0.03928 ? c / 12.92 : Math.Pow((c + 0.055) / 1.055, 2.4);
        }

        return (0.2126 * Channel(colour.R)) + (0.7152 * Channel(colour.G)) + (0.0722 * Channel(colour.B));
    }
}
