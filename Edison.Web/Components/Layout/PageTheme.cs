namespace Edison.Web.Components.Layout;

/// <summary>
/// The page's colours for one visitor: the theme they chose (<see cref="System"/>, <see cref="Light"/> or
/// <see cref="Dark"/>, kept with their settings) and whether their system prefers dark.
/// </summary>
public sealed class PageTheme
{
    public const string System = "system";
    public const string Light = "light";
    public const string Dark = "dark";

    /// <summary>The cookie the browser keeps <see cref="Shown"/> in, for the first paint of its next page.</summary>
    public const string CookieName = "edison_theme";

    /// <summary>The choices in the order the page's toggle goes through them.</summary>
    public static readonly IReadOnlyList<string> Choices = [System, Light, Dark];

    public event Action? Changed;

    public string Choice { get; private set; } = System;

    public bool SystemPrefersDark { get; private set; }

    public bool IsDark => Choice == Dark || (Choice == System && SystemPrefersDark);

    /// <summary>The client hint in which a browser (Chromium) tells the system's preference when asked.</summary>
    public const string PreferenceHint = "Sec-CH-Prefers-Color-Scheme";

    /// <summary>
    /// Asks the browser to tell the system's preference with every page request, the first one too (Critical-CH: it
    /// asks again at once), so that a first visit, before the cookie, is painted in the system's colours.
    /// </summary>
    public static void AskForSystemPreference(HttpResponse response)
    {
        response.Headers["Accept-CH"] = PreferenceHint;
        response.Headers["Critical-CH"] = PreferenceHint;
        response.Headers.Append("Vary", PreferenceHint);
    }

    /// <summary>What the page shows by the system's preference as the request's hint tells it (see <see cref="Assume"/>); null when not told.</summary>
    public static string? FromSystemPreference(HttpRequest request) => request.Headers[PreferenceHint].ToString().Trim('"') switch
    {
        Dark => $"{System}.{Dark}",
        Light => $"{System}.{Light}",
        _ => null,
    };

    /// <summary>The choice and the colours it gives now, as the cookie keeps them: <c>system.dark</c>, <c>light.light</c>.</summary>
    public string Shown => $"{Choice}.{(IsDark ? Dark : Light)}";

    /// <summary>The choice after <paramref name="choice"/>, as the toggle goes round.</summary>
    public static string After(string choice) => Choices[(Choices.ToList().IndexOf(choice) + 1) % Choices.Count];

    /// <summary>A stored choice Edison knows, or the system's for anything else.</summary>
    public static string Known(string? choice) => Choices.Contains(choice) ? choice! : System;

    /// <summary>
    /// Starts from what this browser's last page showed (<see cref="Shown"/>), before the person's settings and the
    /// system's preference can be asked: a page that was dark is dark from its first paint, not light until its
    /// scripts run. Anything unreadable leaves the defaults.
    /// </summary>
    public void Assume(string? shown)
    {
        if (shown?.Split('.') is [var choice, var colours] && Choices.Contains(choice) && colours is Light or Dark)
        {
            Choice = choice;
            SystemPrefersDark = colours == Dark;
        }
    }

    public void Choose(string choice)
    {
        choice = Known(choice);
        if (choice != Choice)
        {
            Choice = choice;
            Changed?.Invoke();
        }
    }

    public void SystemPreferenceIs(bool dark)
    {
        if (dark != SystemPrefersDark)
        {
            SystemPrefersDark = dark;
            Changed?.Invoke();
        }
    }
}
