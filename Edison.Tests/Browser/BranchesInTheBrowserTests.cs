using System.Text.Json;
using Microsoft.Playwright;

namespace Edison.Tests.Browser;

/// <summary>Regenerate, edit and the version switcher in real Chromium against the real app and model, across reloads.</summary>
[Collection(BrowserCollection.Name)]
public sealed class BranchesInTheBrowserTests(BrowserFixture fixture) : IAsyncLifetime
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
        await _page.GotoAsync("/");
        await _page.EvaluateAsync("s => localStorage.setItem('edison_settings', s)", JsonSerializer.Serialize(new { streamResponses = true, maxTokens = 12 }));
        await _page.ReloadAsync();
        await WaitForCircuitAsync();
    }

    public async Task DisposeAsync()
    {
        if (fixture.Browser is not null)
        {
            await _context.DisposeAsync();
        }
    }

    private ILocator Messages => _page.GetByTestId("message");

    private ILocator LastAnswer => _page.Locator("[data-testid=message][data-role=assistant]").Last;

    [SkippableFact]
    public async Task Regenerating_twice_gives_three_answers_to_move_between_and_a_reload_keeps_the_one_shown()
    {
        Skip.If(BrowserFixture.MissingBrowserReason is not null, BrowserFixture.MissingBrowserReason);
        await SendAsync("tell me a story");

        await RegenerateAsync();
        await Expect(LastAnswer.GetByTestId("branch-position")).ToHaveTextAsync("2/2");
        await RegenerateAsync();
        await Expect(LastAnswer.GetByTestId("branch-position")).ToHaveTextAsync("3/3");
        await LastAnswer.GetByTestId("branch-prev").ClickAsync();
        await Expect(LastAnswer.GetByTestId("branch-position")).ToHaveTextAsync("2/3");
        await LastAnswer.GetByTestId("branch-prev").ClickAsync();
        await Expect(LastAnswer.GetByTestId("branch-position")).ToHaveTextAsync("1/3");
        await Expect(LastAnswer.GetByTestId("branch-prev")).ToBeDisabledAsync();
        await LastAnswer.GetByTestId("branch-next").ClickAsync();
        await Expect(LastAnswer.GetByTestId("branch-position")).ToHaveTextAsync("2/3");

        await _page.ReloadAsync();
        await WaitForCircuitAsync();
        await Expect(Messages).ToHaveCountAsync(2);
        await Expect(LastAnswer.GetByTestId("branch-position")).ToHaveTextAsync("2/3");
        var stored = await StoredAsync();
        Assert.Equal(3, stored.GetProperty("messages")[1].GetProperty("siblings").GetInt32());
    }

    [SkippableFact]
    public async Task Editing_the_first_question_answers_the_edit_and_the_old_branch_is_still_there_after_a_reload()
    {
        Skip.If(BrowserFixture.MissingBrowserReason is not null, BrowserFixture.MissingBrowserReason);
        await SendAsync("tell me about Rome");
        await SendAsync("and about Milan");

        var first = Messages.First;
        await Expect(first.GetByTestId("edit-message")).ToBeEnabledAsync();
        await first.GetByTestId("edit-message").ClickAsync();
        await first.GetByTestId("edit-box").FillAsync("tell me about Lisbon");
        await first.GetByTestId("edit-save").ClickAsync();
        await Expect(LastAnswer).ToHaveAttributeAsync("data-state", "completed");
        await Expect(Messages).ToHaveCountAsync(2);
        await Expect(first.GetByTestId("branch-position")).ToHaveTextAsync("2/2");

        await _page.ReloadAsync();
        await WaitForCircuitAsync();
        await Expect(Messages.First).ToContainTextAsync("tell me about Lisbon");
        await Messages.First.GetByTestId("branch-prev").ClickAsync();
        await Expect(Messages).ToHaveCountAsync(4);
        await Expect(Messages.First).ToContainTextAsync("tell me about Rome");
        await Expect(Messages.Nth(2)).ToContainTextAsync("and about Milan");
        await Expect(Messages.First.GetByTestId("branch-position")).ToHaveTextAsync("1/2");
    }

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);

    private async Task RegenerateAsync()
    {
        await Expect(LastAnswer.GetByTestId("regenerate")).ToBeEnabledAsync();
        await LastAnswer.GetByTestId("regenerate").ClickAsync();
        await Expect(LastAnswer).ToHaveAttributeAsync("data-state", "completed");
    }

    /// <summary>Types and presses Enter at once, as a person does, then waits for the answer to end.</summary>
    private async Task SendAsync(string text)
    {
        int before = await Messages.CountAsync();
        await _page.GetByTestId("chat-input").FillAsync(text);
        await _page.GetByTestId("chat-input").PressAsync("Enter");
        await Expect(Messages).ToHaveCountAsync(before + 2);
        await Expect(LastAnswer).ToHaveAttributeAsync("data-state", "completed");
    }

    private async Task WaitForCircuitAsync()
    {
        await _page.WaitForFunctionAsync("() => window.Blazor !== undefined");
        await Expect(_page.GetByTestId("chat-input")).ToBeEnabledAsync();
    }

    private async Task<JsonElement> StoredAsync()
    {
        var id = new Uri(_page.Url).Segments[^1];
        var response = await _page.APIRequest.GetAsync($"/api/conversations/{id}");
        return JsonDocument.Parse(await response.TextAsync()).RootElement;
    }
}
