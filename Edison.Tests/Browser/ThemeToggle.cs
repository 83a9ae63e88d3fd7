using Microsoft.Playwright;

namespace Edison.Tests.Browser;

/// <summary>The page's theme toggle, pressed as a person does.</summary>
public static class ThemeToggle
{
    /// <summary>Goes round the toggle (system, light, dark) to the theme asked for, and waits for the page to show it.</summary>
    public static async Task ChooseThemeAsync(this IPage page, string theme)
    {
        var toggle = page.GetByTestId("theme-toggle");
        while (await toggle.GetAttributeAsync("data-theme-choice") != theme)
        {
            var before = await toggle.GetAttributeAsync("data-theme-choice");
            await toggle.ClickAsync();
            await Assertions.Expect(toggle).Not.ToHaveAttributeAsync("data-theme-choice", before!);
        }

        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("data-dark", theme == "dark" ? "true" : "false");
    }
}
