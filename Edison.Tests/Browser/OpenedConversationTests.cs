using System.Text.Json;
using Microsoft.Playwright;

namespace Edison.Tests.Browser;

/// <summary>A stored conversation opened in real Chromium, by its address or a reload, and used at once.</summary>
[Collection(BrowserCollection.Name)]
public sealed class OpenedConversationTests(BrowserFixture fixture) : IAsyncLifetime
{
    private IBrowserContext _context = null!;
    private IPage _page = null!;

    public async Task InitializeAsync()
    {
        if (fixture.Browser is null)
        {
            return;
        }

        _context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = fixture.BaseAddress });
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
    public async Task After_an_answer_with_a_heading_what_the_person_types_lands_in_the_box()
    {
        Skip.If(BrowserFixture.MissingBrowserReason is not null, BrowserFixture.MissingBrowserReason);
        var id = await _page.ImportAsync(("user", "give me a plan"), ("assistant", "# The plan\n\nFirst rest, then walk."));

        await _page.GotoAsync($"/c/{id}");
        await Expect(_page.Locator(".markdown h2")).ToHaveTextAsync("The plan");
        await WaitForCircuitAsync();
        await _page.Keyboard.TypeAsync("and after the walk?");

        await Expect(_page.GetByTestId("chat-input")).ToHaveValueAsync("and after the walk?");
    }

    [SkippableFact]
    public async Task A_long_conversation_opened_by_its_address_or_a_reload_shows_its_last_message()
    {
        Skip.If(BrowserFixture.MissingBrowserReason is not null, BrowserFixture.MissingBrowserReason);
        var id = await _page.ImportAsync(LongConversation(exchanges: 100));
        var last = _page.GetByTestId("message").Last;

        await _page.GotoAsync($"/c/{id}");
        await Expect(_page.GetByTestId("message")).ToHaveCountAsync(200);
        await WaitForCircuitAsync();
        await Expect(last).ToContainTextAsync("answer 100 ends here");
        await Expect(last).ToBeInViewportAsync();

        await _page.ReloadAsync();
        await WaitForCircuitAsync();
        await Expect(last).ToContainTextAsync("answer 100 ends here");
        await Expect(last).ToBeInViewportAsync();
        await Expect(_page.GetByTestId("message").First).Not.ToBeInViewportAsync();
    }

    [SkippableFact]
    public async Task The_first_click_on_an_early_question_right_after_opening_starts_its_edit()
    {
        Skip.If(BrowserFixture.MissingBrowserReason is not null, BrowserFixture.MissingBrowserReason);
        var id = await _page.ImportAsync(LongConversation(exchanges: 30));

        await _page.GotoAsync($"/c/{id}");
        await WaitForCircuitAsync();
        await _page.GetByTestId("message").First.GetByTestId("edit-message").ClickAsync();

        await Expect(_page.GetByTestId("edit-box")).ToHaveCountAsync(1);
        await Expect(_page.GetByTestId("edit-box")).ToBeInViewportAsync();
    }

    [SkippableFact]
    public async Task Scrolled_up_a_little_a_click_on_Edit_starts_the_edit()
    {
        Skip.If(BrowserFixture.MissingBrowserReason is not null, BrowserFixture.MissingBrowserReason);
        var id = await _page.ImportAsync(LongConversation(exchanges: 30));
        await _page.GotoAsync($"/c/{id}");
        await WaitForCircuitAsync();
        var lastQuestion = _page.Locator("[data-testid=message][data-role=user]").Last;
        await Expect(lastQuestion).ToBeInViewportAsync();

        // Less than a line up from the end: the list still counts as following its end.
        await lastQuestion.HoverAsync();
        await _page.Mouse.WheelAsync(0, -30);
        await _page.WaitForFunctionAsync("() => { const l = document.querySelector('.chat-messages'); return l.scrollHeight - l.scrollTop - l.clientHeight >= 20; }");
        await lastQuestion.GetByTestId("edit-message").ClickAsync();

        await Expect(lastQuestion.GetByTestId("edit-box")).ToHaveCountAsync(1);
    }

    [SkippableFact]
    public async Task The_tab_is_named_after_the_conversation_and_the_app_bar_names_the_model()
    {
        Skip.If(BrowserFixture.MissingBrowserReason is not null, BrowserFixture.MissingBrowserReason);
        var id = await _page.ImportAsync(("user", "Plan a walk by the sea"), ("assistant", "Start at the harbour."));

        await _page.GotoAsync($"/c/{id}");
        await WaitForCircuitAsync();

        var stored = JsonDocument.Parse(await (await _page.APIRequest.GetAsync($"/api/conversations/{id}")).TextAsync()).RootElement;
        await Assertions.Expect(_page).ToHaveTitleAsync($"{stored.GetProperty("title").GetString()} – Edison");
        await Expect(_page.GetByTestId("model-name")).ToHaveTextAsync("endless");
        await Expect(_page.GetByTestId("unknown-conversation")).ToHaveCountAsync(0);
    }

    [SkippableFact]
    public async Task An_address_of_no_conversation_says_so_and_what_is_sent_starts_a_new_one()
    {
        Skip.If(BrowserFixture.MissingBrowserReason is not null, BrowserFixture.MissingBrowserReason);

        await _page.GotoAsync($"/c/{Guid.NewGuid()}");
        await WaitForCircuitAsync();

        await Expect(_page.GetByTestId("unknown-conversation")).ToBeVisibleAsync();
        await Assertions.Expect(_page).ToHaveTitleAsync("Edison");
        await _page.GetByTestId("chat-input").FillAsync("hello");
        await _page.GetByTestId("chat-input").PressAsync("Enter");
        await Expect(_page.GetByTestId("unknown-conversation")).ToHaveCountAsync(0);
        await _page.GetByTestId("stop").ClickAsync();
    }

    [SkippableFact]
    public async Task Scrolled_up_in_a_long_conversation_a_button_brings_the_person_back_to_the_latest()
    {
        Skip.If(BrowserFixture.MissingBrowserReason is not null, BrowserFixture.MissingBrowserReason);
        var id = await _page.ImportAsync(LongConversation(exchanges: 30));
        await _page.GotoAsync($"/c/{id}");
        await WaitForCircuitAsync();
        var last = _page.GetByTestId("message").Last;
        await Expect(last).ToBeInViewportAsync();
        await Expect(_page.GetByTestId("to-latest")).ToBeHiddenAsync();

        await _page.Locator(".chat-messages").EvaluateAsync("list => list.scrollTop = 0");
        await Expect(_page.GetByTestId("to-latest")).ToBeVisibleAsync();
        await _page.GetByTestId("to-latest").ClickAsync();

        await Expect(last).ToBeInViewportAsync();
        await Expect(_page.GetByTestId("to-latest")).ToBeHiddenAsync();
        await Expect(_page.GetByTestId("chat-input")).ToBeFocusedAsync();
    }

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);

    /// <summary>The page's own script is in place once the circuit has started.</summary>
    private async Task WaitForCircuitAsync() =>
        await Expect(_page.Locator(".chat-root[data-enhanced=true]")).ToHaveCountAsync(1);

    /// <summary>Questions and answers, each answer a few lines long: far taller than any window.</summary>
    private static (string Role, string Content)[] LongConversation(int exchanges) =>
        Enumerable.Range(1, exchanges)
            .SelectMany(i => new[]
            {
                ("user", $"question {i}"),
                ("assistant", $"{string.Join(" ", Enumerable.Repeat($"answer {i} says a little more.", 12))} answer {i} ends here"),
            })
            .ToArray();
}
