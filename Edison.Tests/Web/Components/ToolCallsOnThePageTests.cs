using Bunit;
using Edison.Tests.TestSupport;
using Edison.Web.Components.Chat;
using Edison.Core.Tools.Mcp;
using Microsoft.Extensions.DependencyInjection;

namespace Edison.Tests.Web.Components;

/// <summary>
/// An answer that calls Edison's tools on the page: each call shows as a folded block in the answer as it runs, with its
/// arguments and result, inert, and is there again when the conversation is opened from the store.
/// </summary>
public sealed class ToolCallsOnThePageTests() : ChatPageContext(TestModels.ToolCalling, new Dictionary<string, string?>
{
    // Whichever mode the page's auto detection picks, the answer may call tools.
    ["Edison:Tools:Modes:0"] = "chat",
    ["Edison:Tools:Modes:1"] = "code",
    ["Edison:Tools:Modes:2"] = "agent",
    ["Edison:Tools:Modes:3"] = "work",
    ["Edison:Tools:Modes:4"] = "reasoning",
    ["Edison:Model:ContextSize"] = "8192",
    ["Edison:Tools:Mcp:Servers:notes:Command"] = "dotnet",
    ["Edison:Tools:Mcp:Servers:notes:Arguments:0"] = NotebookServer.Program,
})
{
    [Fact]
    public async Task A_call_shows_as_it_runs_with_its_result_and_again_after_a_reload()
    {
        var page = Render<Chat>();
        await SendAsync(page, "What is 2^10?");

        Engine.Write("<tool_call>\n{\"name\": \"calculator\", \"arguments\": {\"expression\": \"2^10\"}}\n</tool_call>");
        Engine.EndAnswer();
        WaitShown(page, () => Assert.Equal("done", Call(page)?.GetAttribute("data-state")));
        Assert.Equal("Called calculator", Call(page)!.QuerySelector("summary")!.TextContent);
        Assert.Equal("""{"expression":"2^10"}""", Call(page)!.QuerySelector("[data-testid=tool-call-arguments]")!.TextContent);
        Assert.Equal("1024", Call(page)!.QuerySelector("[data-testid=tool-call-result]")!.TextContent);

        Engine.Write("It is 1024.");
        Engine.EndAnswer();
        page.WaitForAssertion(() => Assert.Equal("completed", Answer(page).GetAttribute("data-state")));
        Assert.Equal("It is 1024.", Answer(page).QuerySelector(".markdown")?.TextContent.Trim());

        var session = Services.GetRequiredService<ChatSession>();
        var id = session.ConversationId!.Value;
        await page.InvokeAsync(session.NewChat);
        await page.InvokeAsync(() => session.OpenAsync(id, CancellationToken.None));
        page.WaitForAssertion(() => Assert.Equal("1024", Call(page)?.QuerySelector("[data-testid=tool-call-result]")?.TextContent));
        Assert.Equal("It is 1024.", Answer(page).QuerySelector(".markdown")?.TextContent.Trim());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_call_that_asks_first_waits_for_the_buttons_and_runs_only_when_approved(bool approve)
    {
        var servers = Services.GetRequiredService<McpServers>();
        await servers.StartAsync(CancellationToken.None);
        await servers.WhenStartedAsync();
        var page = Render<Chat>();
        await SendAsync(page, "Note: buy milk");

        Engine.Write("<tool_call>\n{\"name\": \"write_note\", \"arguments\": {\"text\": \"buy milk\"}}\n</tool_call>");
        Engine.EndAnswer();
        WaitShown(page, () => Assert.Equal("awaiting-approval", Call(page)?.GetAttribute("data-state")));
        Assert.Equal("write_note asks to run: approve it?", Call(page)!.QuerySelector("summary")!.TextContent);
        Assert.Equal("""{"text":"buy milk"}""", Call(page)!.QuerySelector("[data-testid=tool-call-arguments]")!.TextContent);

        Task clicked = Task.CompletedTask;
        await page.InvokeAsync(() => { clicked = Call(page)!.QuerySelector(approve ? "[data-testid=approve-call]" : "[data-testid=deny-call]")!.ClickAsync(new()); });

        // The call goes to a real MCP server process: on a loaded machine that takes a while. A click that failed says why.
        WaitShown(page, () =>
        {
            Assert.False(clicked.IsFaulted, clicked.Exception?.ToString());
            Assert.Equal(approve ? "done" : "failed", Call(page)?.GetAttribute("data-state"));
        }, TimeSpan.FromSeconds(30));
        Assert.Equal(approve ? "Noted (1 notes)." : "The person denied this call.", Call(page)!.QuerySelector("[data-testid=tool-call-result]")!.TextContent);
        Assert.Empty(Call(page)!.QuerySelectorAll("[data-testid=approve-call]"));

        Engine.Write(approve ? "Noted." : "I did not write it.");
        Engine.EndAnswer();
        WaitShown(page, () => Assert.Equal("completed", Answer(page).GetAttribute("data-state")));
        await servers.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_call_whose_arguments_and_error_spell_markup_renders_them_as_text()
    {
        var page = Render<Chat>();
        await SendAsync(page, "Compute this");

        Engine.Write("<tool_call>\n{\"name\": \"calculator\", \"arguments\": {\"expression\": \"<img src=x onerror=alert(1)>\"}}\n</tool_call>");
        Engine.EndAnswer();
        WaitShown(page, () => Assert.Equal("failed", Call(page)?.GetAttribute("data-state")));
        Engine.Write("Sorry.");
        Engine.EndAnswer();
        page.WaitForAssertion(() => Assert.Equal("completed", Answer(page).GetAttribute("data-state")));

        Assert.Empty(Call(page)!.QuerySelectorAll("img, script"));
        Assert.Contains("<img src=x", Call(page)!.QuerySelector("[data-testid=tool-call-result]")!.TextContent);
    }

    /// <summary>
    /// Waits for what the page shows, the clock moving on meanwhile so that throttled updates are published whenever
    /// they come: the page is looked at again only when it renders, and a change that came after the last look would
    /// wait for the clock forever.
    /// </summary>
    private void WaitShown(IRenderedComponent<Chat> page, Action assertion, TimeSpan? timeout = null)
    {
        using var ticking = new Timer(_ => Clock.Advance(ChatSession.PublishInterval), null, TimeSpan.Zero, TimeSpan.FromMilliseconds(20));
        page.WaitForAssertion(assertion, timeout);
    }

    private static AngleSharp.Dom.IElement Answer(IRenderedComponent<Chat> page) =>
        page.FindAll("[data-testid=message][data-role=assistant]")[^1];

    private static AngleSharp.Dom.IElement? Call(IRenderedComponent<Chat> page) =>
        Answer(page).QuerySelector("[data-testid=tool-call]");

    private static async Task SendAsync(IRenderedComponent<Chat> page, string text)
    {
        page.WaitForAssertion(() => Assert.False(page.Find("[data-testid=chat-input]").HasAttribute("disabled")));
        await page.Find("[data-testid=chat-input]").InputAsync(new Microsoft.AspNetCore.Components.ChangeEventArgs { Value = text });
        _ = page.Find("[data-testid=send]").ClickAsync(new());
    }
}
