using Edison.Core.Tools;
using Edison.Tests.TestSupport;
using Microsoft.Playwright;

namespace Edison.Tests.Browser;

/// <summary>
/// A person on the page is asked before an MCP tool runs: the call waits with Approve / Deny in the answer, survives a
/// reload (the answer is the server's), and runs once approved, its result shown and the answer going on from it.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ApprovalInTheBrowserTests(BrowserFixture fixture)
{
    [SkippableFact]
    public async Task A_tool_waits_for_Approve_across_a_reload_then_runs_and_the_answer_goes_on()
    {
        Skip.If(BrowserFixture.MissingBrowserReason is not null, BrowserFixture.MissingBrowserReason);
        await using var edison = await ToolUsingEdison.StartAsync(
            NotebookServer.Settings("notes", McpApproval.Always).Concat(new Dictionary<string, string?>
            {
                ["Edison:Tools:Modes:0"] = "chat",
                ["Edison:Tools:Modes:1"] = "work",
                ["Edison:Tools:Modes:2"] = "agent",
            }),
            onSocket: true);
        var model = edison.Model;
        model.Call = ("write_note", """{"text":"buy milk"}""");
        var address = edison.Client.BaseAddress!.ToString().TrimEnd('/');
        await using var context = await fixture.Browser!.NewContextAsync(new BrowserNewContextOptions { BaseURL = address });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(15_000);
        await page.GotoAsync("/");
        await page.WaitForFunctionAsync("() => window.Blazor !== undefined");

        await page.GetByTestId("chat-input").FillAsync("Please write a note: buy milk");
        await page.GetByTestId("chat-input").PressAsync("Enter");
        var call = page.Locator("[data-testid=message][data-role=assistant]").Last.GetByTestId("tool-call");
        await Assertions.Expect(call).ToHaveAttributeAsync("data-state", "awaiting-approval");
        await Assertions.Expect(call.GetByTestId("tool-call-arguments")).ToHaveTextAsync("""{"text":"buy milk"}""");

        await page.ReloadAsync();
        call = page.Locator("[data-testid=message][data-role=assistant]").Last.GetByTestId("tool-call");
        await Assertions.Expect(call).ToHaveAttributeAsync("data-state", "awaiting-approval");
        Assert.Single(model.Requests);

        await call.GetByTestId("approve-call").ClickAsync();
        await Assertions.Expect(call).ToHaveAttributeAsync("data-state", "done");
        await Assertions.Expect(call.GetByTestId("tool-call-result")).ToHaveTextAsync("Noted (1 notes).");
        var answer = page.Locator("[data-testid=message][data-role=assistant]").Last;
        await Assertions.Expect(answer).ToHaveAttributeAsync("data-state", "completed");
        await Assertions.Expect(answer.Locator(".markdown")).ToHaveTextAsync("The result is Noted (1 notes)..");
    }
}
