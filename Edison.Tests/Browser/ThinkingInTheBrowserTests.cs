using Edison.Tests.TestSupport;
using Microsoft.Playwright;

namespace Edison.Tests.Browser;

/// <summary>
/// A person asks a thinking model: its thinking shows in a block of its own above the answer, folded once the answer is
/// there, opened with a click, and back the same after a reload; Copy copies the answer alone.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ThinkingInTheBrowserTests(BrowserFixture fixture)
{
    [SkippableFact]
    public async Task The_thinking_folds_above_the_answer_opens_on_click_and_survives_a_reload()
    {
        Skip.If(BrowserFixture.MissingBrowserReason is not null, BrowserFixture.MissingBrowserReason);
        await using var edison = new EdisonFactory(TestModels.Thinking);
        var address = (await edison.StartOnSocketAsync()).BaseAddress!.ToString().TrimEnd('/');
        await using var context = await fixture.Browser!.NewContextAsync(new BrowserNewContextOptions { BaseURL = address });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(15_000);
        await page.GotoAsync("/");
        await page.WaitForFunctionAsync("() => window.Blazor !== undefined");

        await page.GetByTestId("chat-input").FillAsync("What is the capital of France?");
        await page.GetByTestId("chat-input").PressAsync("Enter");

        var answer = page.Locator("[data-testid=message][data-role=assistant]").Last;
        await Assertions.Expect(answer).ToHaveAttributeAsync("data-state", "completed");
        await AssertFoldedAsync(answer);
        await answer.GetByTestId("reasoning-summary").ClickAsync();
        await Assertions.Expect(answer.Locator(".reasoning-text")).ToBeVisibleAsync();
        await Assertions.Expect(answer.Locator(".reasoning-text")).ToHaveTextAsync(TestModels.Thought);

        await page.ReloadAsync();
        answer = page.Locator("[data-testid=message][data-role=assistant]").Last;
        await Assertions.Expect(answer.Locator(".markdown")).ToHaveTextAsync(TestModels.ThoughtAnswer);
        await AssertFoldedAsync(answer);

        // The model can be told not to think: the settings offer it, with the thinking's budget, and keep the choice.
        await page.GetByTestId("settings-open").ClickAsync();
        await page.GetByTestId("max-reasoning-tokens").FillAsync("200");
        await page.GetByTestId("think-toggle").ClickAsync();
        await page.GetByTestId("settings-save").ClickAsync();
        await Assertions.Expect(page.GetByTestId("settings-dialog")).ToHaveCountAsync(0);
        var stored = await page.EvaluateAsync<string>("() => localStorage.getItem('edison_settings')");
        Assert.Contains("\"think\":false", stored);
        Assert.Contains("\"maxReasoningTokens\":200", stored);
    }

    /// <summary>The answer alone in the bubble's text, the thinking folded above it.</summary>
    private static async Task AssertFoldedAsync(ILocator answer)
    {
        await Assertions.Expect(answer.Locator(".markdown")).ToHaveTextAsync(TestModels.ThoughtAnswer);
        await Assertions.Expect(answer.GetByTestId("reasoning-summary")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^Thought for \d+ s$"));
        await Assertions.Expect(answer.Locator(".reasoning-text")).Not.ToBeVisibleAsync();
        Assert.DoesNotContain("<think>", await answer.InnerTextAsync());
    }
}
