using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Edison.Tests.TestSupport;
using Microsoft.Playwright;

namespace Edison.Tests.Browser;

/// <summary>
/// axe-core (injected by the test through Playwright, never served by the page) finds nothing critical or serious on
/// the page as people see it: empty, streaming an answer, showing rich Markdown, with the settings open, and on a
/// phone, in both themes (each chosen with the page's toggle, in one page).
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class AccessibilityInTheBrowserTests(BrowserFixture fixture)
{
    [SkippableFact]
    public async Task The_page_in_each_state_has_no_critical_or_serious_accessibility_violations_in_either_theme()
    {
        Skip.If(BrowserFixture.MissingBrowserReason is not null, BrowserFixture.MissingBrowserReason);
        var id = await RichMarkdown.StoreAsync(fixture.Edison.Services);
        var found = new List<string>();

        await using (var desk = await ContextAsync(new() { Width = 1280, Height = 800 }))
        {
            var page = await OpenAsync(desk, "/");
            found.AddRange(await InBothThemesAsync(page, "empty page"));
            Assert.Equal(1, await page.Locator("main").CountAsync());
            Assert.Equal("Edison", await page.Locator("h1").InnerTextAsync());

            await page.GetByTestId("chat-input").FillAsync("tell me a story");
            await page.GetByTestId("chat-input").PressAsync("Enter");
            await Assertions.Expect(page.Locator("[data-testid=message][data-role=assistant]").Last).ToHaveAttributeAsync("data-state", "streaming");
            found.AddRange(await InBothThemesAsync(page, "streaming answer"));
            await page.GetByTestId("stop").ClickAsync();

            page = await OpenAsync(desk, $"/c/{id}");
            await Assertions.Expect(page.Locator(".katex")).Not.ToHaveCountAsync(0);
            found.AddRange(await InBothThemesAsync(page, "rich Markdown"));

            // The answer's own heading sits below the page's one level 1.
            Assert.Equal(["Edison"], await page.Locator("h1").AllInnerTextsAsync());
            Assert.Equal("An overview", await page.Locator(".markdown h2").InnerTextAsync());

            foreach (var theme in new[] { "light", "dark" })
            {
                await page.ChooseThemeAsync(theme);
                await page.GetByTestId("settings-open").ClickAsync();
                await Assertions.Expect(page.GetByRole(AriaRole.Dialog)).ToBeVisibleAsync();
                found.AddRange(await ViolationsAsync(page, $"settings dialog, {theme}"));
                await page.Keyboard.PressAsync("Escape");
                await Assertions.Expect(page.GetByRole(AriaRole.Dialog)).ToHaveCountAsync(0);
            }
        }

        await using (var phone = await ContextAsync(new() { Width = 390, Height = 844 }))
        {
            var page = await OpenAsync(phone, $"/c/{id}");
            await Assertions.Expect(page.Locator(".katex")).Not.ToHaveCountAsync(0);
            found.AddRange(await InBothThemesAsync(page, "phone"));
        }

        Assert.True(found.Count == 0, string.Join("\n", found));
    }

    /// <summary>What axe finds in the light theme, then in the dark one, chosen with the page's own toggle.</summary>
    private static async Task<IEnumerable<string>> InBothThemesAsync(IPage page, string state)
    {
        await page.ChooseThemeAsync("light");
        var light = await ViolationsAsync(page, $"{state}, light");
        await page.ChooseThemeAsync("dark");
        return light.Concat(await ViolationsAsync(page, $"{state}, dark"));
    }

    private async Task<IBrowserContext> ContextAsync(ViewportSize viewport)
    {
        var context = await fixture.Browser!.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = fixture.BaseAddress,
            ViewportSize = viewport,
            ColorScheme = ColorScheme.Light,
        });

        // An answer long enough to be looked at while it streams.
        await context.AddInitScriptAsync("localStorage.setItem('edison_settings', JSON.stringify({ maxTokens: 30000 }))");
        return context;
    }

    private static async Task<IPage> OpenAsync(IBrowserContext context, string path)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync(path);
        await Assertions.Expect(page.Locator(".chat-root")).ToHaveAttributeAsync("data-enhanced", "true");
        await Assertions.Expect(page.GetByTestId("theme-toggle")).ToBeEnabledAsync();
        return page;
    }

    /// <summary>What axe finds critical or serious, one line each: the state, the rule, where and why.</summary>
    private static async Task<IEnumerable<string>> ViolationsAsync(IPage page, string state)
    {
        // Only the violations are read: axe leaves out the passes' details, the larger part of its work on a long page.
        var result = await page.RunAxe(new AxeRunOptions { ResultTypes = [ResultType.Violations] });
        return result.Violations
            .Where(violation => violation.Impact is "critical" or "serious")
            .SelectMany(violation => violation.Nodes.Select(node =>
                $"{state}: {violation.Id} ({violation.Impact}) at {node.Target}: {string.Join("; ", node.Any.Concat(node.All).Concat(node.None).Select(check => check.Message))}"));
    }
}
