using System.Text.Json;
using Edison.Tests.TestSupport;
using Microsoft.Playwright;

namespace Edison.Tests.Browser;

/// <summary>The page by keyboard alone, in real Chromium: everything reachable, the focus where the person needs it.</summary>
[Collection(BrowserCollection.Name)]
public sealed class KeyboardInTheBrowserTests(BrowserFixture fixture) : IAsyncLifetime
{
    private IBrowserContext _context = null!;
    private IPage _page = null!;

    public async Task InitializeAsync()
    {
        if (fixture.Browser is null)
        {
            return;
        }

        _context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = fixture.BaseAddress, ViewportSize = new() { Width = 1280, Height = 800 } });
        await _context.AddInitScriptAsync("localStorage.setItem('edison_settings', JSON.stringify({ maxTokens: 30000 }))");
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
    public async Task Import_is_reached_with_Tab()
    {
        Skip.If(BrowserFixture.MissingBrowserReason is not null, BrowserFixture.MissingBrowserReason);
        await OpenAsync("/");
        await Expect(_page.GetByTestId("import-file")).ToBeEnabledAsync();

        var reached = false;
        for (int i = 0; i < 40 && !reached; i++)
        {
            await _page.Keyboard.PressAsync("Tab");
            reached = await _page.EvaluateAsync<bool>("() => document.activeElement?.matches('[data-testid=import-file]') === true");
        }

        Assert.True(reached, "Tab reaches the import");
    }

    [SkippableFact]
    public async Task A_filled_button_reached_by_Tab_shows_a_ring_that_stands_out_from_the_page()
    {
        Skip.If(BrowserFixture.MissingBrowserReason is not null, BrowserFixture.MissingBrowserReason);
        await OpenAsync("/");
        await _page.GetByTestId("chat-input").FillAsync("ready to send");
        await Expect(_page.GetByTestId("send")).ToBeEnabledAsync();

        await _page.GetByTestId("chat-input").FocusAsync();
        await _page.Keyboard.PressAsync("Tab");
        await Expect(_page.GetByTestId("send")).ToBeFocusedAsync();

        // The ring is drawn around the button, on the page: WCAG asks 3:1 between the ring and what is beside it.
        var ring = await _page.EvaluateAsync<string[]>(
            """
            () => {
                const button = document.querySelector('[data-testid=send]');
                let behind = button.parentElement;
                while (getComputedStyle(behind).backgroundColor.endsWith(', 0)') || getComputedStyle(behind).backgroundColor === 'transparent') {
                    behind = behind.parentElement;
                }
                const style = getComputedStyle(button);
                return [style.outlineStyle, style.outlineWidth, style.outlineColor, getComputedStyle(behind).backgroundColor];
            }
            """);
        Assert.NotEqual("none", ring[0]);
        Assert.True(double.Parse(ring[1].TrimEnd('p', 'x'), System.Globalization.CultureInfo.InvariantCulture) >= 2, $"a ring {ring[1]} wide");
        double contrast = WcagContrast.Ratio(new MudBlazor.Utilities.MudColor(ring[2]), new MudBlazor.Utilities.MudColor(ring[3]));
        Assert.True(contrast >= 3, $"the ring's contrast with the page is {contrast:0.0}:1");
    }

    [SkippableFact]
    public async Task Settings_opened_by_keyboard_start_on_their_first_setting_and_Escape_gives_the_focus_back()
    {
        Skip.If(BrowserFixture.MissingBrowserReason is not null, BrowserFixture.MissingBrowserReason);
        await OpenAsync("/");
        await Expect(_page.GetByTestId("settings-open")).ToBeEnabledAsync();

        await _page.GetByTestId("settings-open").FocusAsync();
        await _page.Keyboard.PressAsync("Enter");

        // The first Tab stop a person sees, not an invisible part of the dialog.
        await Expect(_page.GetByTestId("stream-toggle")).ToBeFocusedAsync();
        await _page.Keyboard.PressAsync("Escape");
        await Expect(_page.GetByTestId("settings-dialog")).ToHaveCountAsync(0);
        await Expect(_page.GetByTestId("settings-open")).ToBeFocusedAsync();
    }

    [SkippableFact]
    public async Task An_edited_question_is_focused_Enter_saves_it_and_Escape_leaves_it_as_it_was()
    {
        Skip.If(BrowserFixture.MissingBrowserReason is not null, BrowserFixture.MissingBrowserReason);
        var id = await _page.ImportAsync(("user", "first question"), ("assistant", "first answer"));
        await OpenAsync($"/c/{id}");
        var question = _page.Locator("[data-testid=message][data-role=user]").First;

        await question.GetByTestId("edit-message").ClickAsync();
        await Expect(question.GetByTestId("edit-box")).ToBeFocusedAsync();
        await _page.Keyboard.PressAsync("Escape");
        await Expect(question.GetByTestId("edit-box")).ToHaveCountAsync(0);
        await Expect(question).ToContainTextAsync("first question");

        await question.GetByTestId("edit-message").ClickAsync();
        await Expect(question.GetByTestId("edit-box")).ToBeFocusedAsync();
        await _page.Keyboard.PressAsync("End");
        await _page.Keyboard.TypeAsync(", asked again");
        await _page.Keyboard.PressAsync("Enter");

        await Expect(_page.Locator("[data-testid=message][data-role=user]").First).ToContainTextAsync("first question, asked again");
        await Expect(_page.Locator("[data-testid=message][data-role=assistant]").Last).ToHaveAttributeAsync("data-state", "streaming");
        await _page.GetByTestId("stop").ClickAsync();
    }

    [SkippableFact]
    public async Task After_Stop_and_after_opening_another_conversation_the_keyboard_is_in_the_message_box()
    {
        Skip.If(BrowserFixture.MissingBrowserReason is not null, BrowserFixture.MissingBrowserReason);
        var other = await _page.ImportAsync(("user", "another conversation"), ("assistant", "its answer"));
        await OpenAsync("/");

        await _page.GetByTestId("chat-input").FillAsync("a long story please");
        await _page.GetByTestId("chat-input").PressAsync("Enter");
        await Expect(_page.Locator("[data-testid=message][data-role=assistant]").Last).ToHaveAttributeAsync("data-state", "streaming");
        await _page.GetByTestId("stop").FocusAsync();
        await _page.Keyboard.PressAsync("Enter");
        await Expect(_page.Locator("[data-testid=message][data-role=assistant]").Last).ToHaveAttributeAsync("data-state", "stopped");
        await Expect(_page.GetByTestId("chat-input")).ToBeFocusedAsync();

        await _page.Locator($"[data-testid=conversation-item] a[href$='{other}']").ClickAsync();
        await Expect(_page.GetByTestId("message").First).ToHaveTextAsync("another conversation");
        await Expect(_page.GetByTestId("chat-input")).ToBeFocusedAsync();
    }

    [SkippableFact]
    public async Task A_conversation_is_renamed_in_the_sidebar_by_keyboard_and_every_tab_follows()
    {
        Skip.If(BrowserFixture.MissingBrowserReason is not null, BrowserFixture.MissingBrowserReason);
        var id = await _page.ImportAsync(("user", "plan a trip"), ("assistant", "Where to?"));
        var other = await _context.NewPageAsync();
        await other.GotoAsync($"/c/{id}");
        await OpenAsync($"/c/{id}");
        var item = _page.Locator($"[data-testid=conversation-item][data-conversation='{id}']");
        var rename = item.GetByTestId("rename-conversation");

        await rename.FocusAsync();
        await _page.Keyboard.PressAsync("Enter");
        await Expect(item.GetByTestId("rename-box")).ToBeFocusedAsync();
        await _page.Keyboard.TypeAsync("Never mind");
        await _page.Keyboard.PressAsync("Escape");
        await Expect(item.GetByTestId("rename-box")).ToHaveCountAsync(0);
        await Expect(item).ToHaveTextAsync("plan a trip");
        await Expect(rename).ToBeFocusedAsync();

        await _page.Keyboard.PressAsync("Enter");
        await Expect(item.GetByTestId("rename-box")).ToBeFocusedAsync();
        await _page.Keyboard.TypeAsync("Lisbon in May");
        await _page.Keyboard.PressAsync("Enter");

        await Expect(item).ToHaveTextAsync("Lisbon in May");
        await Expect(rename).ToBeFocusedAsync();
        await Assertions.Expect(_page).ToHaveTitleAsync("Lisbon in May – Edison");
        await Expect(other.Locator($"[data-testid=conversation-item][data-conversation='{id}']")).ToHaveTextAsync("Lisbon in May");
        await Assertions.Expect(other).ToHaveTitleAsync("Lisbon in May – Edison");
        var stored = await _page.APIRequest.GetAsync($"/api/conversations/{id}");
        Assert.Equal("Lisbon in May", JsonDocument.Parse(await stored.TextAsync()).RootElement.GetProperty("title").GetString());
    }

    [SkippableFact]
    public async Task After_an_edit_left_a_version_switched_a_regenerate_and_a_delete_the_keyboard_is_where_the_person_goes_on()
    {
        Skip.If(BrowserFixture.MissingBrowserReason is not null, BrowserFixture.MissingBrowserReason);
        var id = await _page.ImportAsync(("user", "first question"), ("assistant", "first answer"));
        await OpenAsync($"/c/{id}");
        var question = _page.Locator("[data-testid=message][data-role=user]").First;
        var answer = _page.Locator("[data-testid=message][data-role=assistant]").Last;

        await question.GetByTestId("edit-message").FocusAsync();
        await _page.Keyboard.PressAsync("Enter");
        await Expect(question.GetByTestId("edit-box")).ToBeFocusedAsync();
        await _page.Keyboard.PressAsync("Escape");
        await Expect(question.GetByTestId("edit-message")).ToBeFocusedAsync();

        await answer.GetByTestId("regenerate").FocusAsync();
        await _page.Keyboard.PressAsync("Enter");
        await Expect(_page.GetByTestId("chat-input")).ToBeFocusedAsync();
        await Expect(answer).ToHaveAttributeAsync("data-state", "streaming");
        await _page.GetByTestId("stop").ClickAsync();
        await Expect(answer.GetByTestId("branch-position")).ToHaveTextAsync("2/2");

        await answer.GetByTestId("branch-prev").FocusAsync();
        await _page.Keyboard.PressAsync("Enter");
        await Expect(answer.GetByTestId("branch-position")).ToHaveTextAsync("1/2");
        await Expect(answer.GetByTestId("branch-next")).ToBeFocusedAsync();
        await _page.Keyboard.PressAsync("Enter");
        await Expect(answer.GetByTestId("branch-position")).ToHaveTextAsync("2/2");
        await Expect(answer.GetByTestId("branch-prev")).ToBeFocusedAsync();

        await _page.Locator($"[data-conversation='{id}']").GetByTestId("delete-conversation").FocusAsync();
        await _page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(_page.GetByRole(AriaRole.Dialog)).ToBeVisibleAsync();
        await _page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        await _page.WaitForURLAsync(url => !url.Contains("/c/", StringComparison.Ordinal));
        await Expect(_page.GetByTestId("chat-input")).ToBeFocusedAsync();
    }

    [SkippableFact]
    public async Task Copy_on_a_page_opened_over_plain_HTTP_from_another_machine_copies_says_so_and_the_page_goes_on()
    {
        Skip.If(BrowserFixture.MissingBrowserReason is not null, BrowserFixture.MissingBrowserReason);
        var id = await _page.ImportAsync(("user", "first question"), ("assistant", "first answer"));

        // Such a page has no Clipboard API: it exists only on HTTPS and on the machine's own addresses.
        await _context.AddInitScriptAsync("Object.defineProperty(navigator, 'clipboard', { value: undefined })");
        await OpenAsync($"/c/{id}");
        var copy = _page.Locator("[data-testid=message][data-role=assistant]").GetByTestId("copy-message");
        await copy.FocusAsync();
        await _page.Keyboard.PressAsync("Enter");

        await Expect(copy).ToHaveAttributeAsync("aria-label", "Copied");
        await Expect(copy).ToHaveAttributeAsync("aria-label", "Copy", new() { Timeout = 5_000 });
        await _page.GetByTestId("chat-input").FillAsync("still here?");
        await _page.GetByTestId("chat-input").PressAsync("Enter");
        await Expect(_page.GetByTestId("message")).ToHaveCountAsync(4);

        // The answer would run on for the next tests, on the same Edison.
        await _page.GetByTestId("stop").ClickAsync();
        await Expect(_page.Locator("[data-testid=message][data-role=assistant]").Last).ToHaveAttributeAsync("data-state", "stopped");
    }

    private async Task OpenAsync(string path)
    {
        await _page.GotoAsync(path);
        await Expect(_page.Locator(".chat-root[data-enhanced=true]")).ToHaveCountAsync(1);
    }

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
}
