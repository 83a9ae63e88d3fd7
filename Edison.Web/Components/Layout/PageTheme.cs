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

    /// <summary>The choices in the order the page's toggle goes through them.</summary>
    public static readonly IReadOnlyList<string> Choices = [System, Light, Dark];

    public event Action? Changed;

    public string Choice { get; private set; } = System;

    public bool SystemPrefersDark { get; private set; }

    public bool IsDark => Choice == Dark || (Choice == System && SystemPrefersDark);

    /// <summary>The choice after <paramref name="choice"/>, as the toggle goes round.</summary>
    public static string After(string choice) => Choices[(Choices.ToList().IndexOf(choice) + 1) % Choices.Count];

    /// <summary>A stored choice Edison knows, or the system's for anything else.</summary>
    public static string Known(string? choice) => Choices.Contains(choice) ? choice! : System;

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
