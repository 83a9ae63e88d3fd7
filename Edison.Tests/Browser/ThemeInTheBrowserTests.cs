using System.Text.Json;
using Microsoft.Playwright;

namespace Edison.Tests.Browser;

/// <summary>The page's colours in real Chromium: the system's preference by default, a toggle that is kept.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ThemeInTheBrowserTests(BrowserFixture fixture) : IAsyncLifetime
{
    private IBrowserContext _context = null!;
    private IPage _page = null!;

    /// <summary>Records the lightness of the page's background in every frame, from before the first paint.</summary>
    private const string EveryFrame =
        """
        window.edisonFrames = [];
        const look = () => {
            let element = document.querySelector('.chat-root') ?? document.body;
            for (; element; element = element.parentElement) {
                const [r, g, b, a = 1] = getComputedStyle(element).backgroundColor.match(/[\d.]+/g).map(Number);
                if (a > 0) {
                    window.edisonFrames.push((Math.max(r, g, b) + Math.min(r, g, b)) / 510);
                    break;
                }
            }
            requestAnimationFrame(look);
        };
        requestAnimationFrame(look);
        """;

    public async Task InitializeAsync()
    {
        if (fixture.Browser is null)
        {
            return;
        }

        _context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = fixture.BaseAddress, ColorScheme = ColorScheme.Dark });
        _page = await _context.NewPageAsync();
        _page.SetDefaultTimeout(15_000);
    }

    public async Task DisposeAsync()
    {
        if (fixture.Browser is not null)
        {
            await _context.DisposeAsync();
        }
    }

    [SkippableFact]
    public async Task The_page_follows_the_system_s_dark_preference_and_its_own_changes()
    {
        Skip.If(BrowserFixture.MissingBrowserReason is not null, BrowserFixture.MissingBrowserReason);
        await OpenAsync();

        await Expect(_page.Locator("html")).ToHaveAttributeAsync("data-dark", "true");
        Assert.True(await BackgroundLightnessAsync() < 0.3, "a dark system gets a dark page");

        await _page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Light });
        await Expect(_page.Locator("html")).ToHaveAttributeAsync("data-dark", "false");
        Assert.True(await BackgroundLightnessAsync() > 0.7, "and a light page when the system turns light");
    }

    [SkippableFact]
    public async Task The_toggle_goes_light_then_dark_then_back_to_the_system_s_and_a_reload_keeps_the_choice()
    {
        Skip.If(BrowserFixture.MissingBrowserReason is not null, BrowserFixture.MissingBrowserReason);
        await OpenAsync();
        var toggle = _page.GetByTestId("theme-toggle");
        await Expect(toggle).ToHaveAttributeAsync("data-theme-choice", "system");

        await toggle.ClickAsync();
        await Expect(toggle).ToHaveAttributeAsync("data-theme-choice", "light");
        await Expect(_page.Locator("html")).ToHaveAttributeAsync("data-dark", "false");
        Assert.True(await BackgroundLightnessAsync() > 0.7, "light, though the system prefers dark");

        await _page.ReloadAsync();
        await Expect(_page.GetByTestId("theme-toggle")).ToHaveAttributeAsync("data-theme-choice", "light");
        await Expect(_page.Locator("html")).ToHaveAttributeAsync("data-dark", "false");
        Assert.Equal("light", (await StoredSettingsAsync()).GetProperty("theme").GetString());

        await _page.GetByTestId("theme-toggle").ClickAsync();
        await Expect(_page.GetByTestId("theme-toggle")).ToHaveAttributeAsync("data-theme-choice", "dark");
        await _page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Light });
        await Expect(_page.Locator("html")).ToHaveAttributeAsync("data-dark", "true");
        Assert.True(await BackgroundLightnessAsync() < 0.3, "dark, though the system now prefers light");

        await _page.GetByTestId("theme-toggle").ClickAsync();
        await Expect(_page.GetByTestId("theme-toggle")).ToHaveAttributeAsync("data-theme-choice", "system");
        await Expect(_page.Locator("html")).ToHaveAttributeAsync("data-dark", "false");
    }

    [SkippableFact]
    public async Task The_page_for_an_unknown_address_keeps_the_colours_the_person_chose()
    {
        Skip.If(BrowserFixture.MissingBrowserReason is not null, BrowserFixture.MissingBrowserReason);
        await _page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Light });
        await OpenAsync();
        await _page.ChooseThemeAsync("dark");

        // What the live page paints, each time it sets the colours.
        await _page.AddInitScriptAsync(
            """
            window.edisonPainted = [];
            let theme;
            Object.defineProperty(window, 'edisonTheme', {
                get: () => theme,
                set: value => {
                    const apply = value.apply;
                    value.apply = (dark, shown) => { window.edisonPainted.push(dark); apply.call(value, dark, shown); };
                    theme = value;
                },
            });
            """);
        await _page.GotoAsync("/no-such-page");
        await Expect(_page.GetByTestId("not-found")).ToBeVisibleAsync();
        await _page.WaitForFunctionAsync("() => window.edisonPainted.length > 0");
        await _page.WaitForTimeoutAsync(300);

        Assert.All(await _page.EvaluateAsync<bool[]>("() => window.edisonPainted"), Assert.True);
        await Expect(_page.Locator("html")).ToHaveAttributeAsync("data-dark", "true");
        Assert.True(await BackgroundLightnessAsync("[data-testid=not-found]") < 0.3, "a dark page");
    }

    [SkippableFact]
    public async Task A_page_that_was_dark_is_dark_from_its_first_paint_until_it_is_live()
    {
        Skip.If(BrowserFixture.MissingBrowserReason is not null, BrowserFixture.MissingBrowserReason);
        await OpenAsync();

        // Every frame of the next page is looked at, from before its first paint until it is live.
        await _page.AddInitScriptAsync(EveryFrame);
        await OpenAsync();

        await AssertEveryFrameDarkAsync(_page);
    }

    [SkippableFact]
    public async Task A_first_visit_from_a_dark_system_is_dark_from_its_first_paint()
    {
        Skip.If(BrowserFixture.MissingBrowserReason is not null, BrowserFixture.MissingBrowserReason);

        // A system in dark mode: Chromium says so in its requests when asked (--force-dark-mode; the media emulation
        // alone changes only what the page's styles and scripts see).
        await using var browser = await fixture.Playwright!.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = BrowserFixture.ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--force-dark-mode"],
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { BaseURL = fixture.BaseAddress, ColorScheme = ColorScheme.Dark });
        await page.AddInitScriptAsync(EveryFrame);

        await page.GotoAsync("/");
        await Expect(page.Locator(".chat-root")).ToHaveAttributeAsync("data-enhanced", "true");

        await AssertEveryFrameDarkAsync(page);
    }

    /// <summary>Every frame <see cref="EveryFrame"/> looked at, until the page is live and a moment after, was dark.</summary>
    private static async Task AssertEveryFrameDarkAsync(IPage page)
    {
        await page.WaitForTimeoutAsync(300);
        var frames = await page.EvaluateAsync<double[]>("() => window.edisonFrames");
        Assert.NotEmpty(frames);
        Assert.True(frames.All(lightness => lightness < 0.3), $"every frame dark; the lightness of each: {string.Join(' ', frames.Distinct())}");
    }

    private async Task OpenAsync()
    {
        await _page.GotoAsync("/");
        await Expect(_page.Locator(".chat-root")).ToHaveAttributeAsync("data-enhanced", "true");
        await Expect(_page.GetByTestId("theme-toggle")).ToBeEnabledAsync();
    }

    /// <summary>The lightness (0 to 1) of the background behind <paramref name="content"/> (the messages unless told), as painted: the first one not transparent.</summary>
    private async Task<double> BackgroundLightnessAsync(string content = ".chat-root") => await _page.EvaluateAsync<double>(
        """
        content => {
            for (let element = document.querySelector(content); element; element = element.parentElement) {
                const [r, g, b, a = 1] = getComputedStyle(element).backgroundColor.match(/[\d.]+/g).map(Number);
                if (a > 0) {
                    return (Math.max(r, g, b) + Math.min(r, g, b)) / 510;
                }
            }
            return 1;
        }
        """,
        content);

    private async Task<JsonElement> StoredSettingsAsync() =>
        JsonDocument.Parse(await _page.EvaluateAsync<string>("() => localStorage.getItem('edison_settings')")).RootElement;

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
}
