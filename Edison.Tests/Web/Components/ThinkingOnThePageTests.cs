using Bunit;
using Edison.Tests.TestSupport;
using Edison.Web.Components.Chat;
using Microsoft.Extensions.DependencyInjection;

namespace Edison.Tests.Web.Components;

/// <summary>A thinking model's answer on the page: its thinking streams in a block of its own, folds when the answer starts, and stays.</summary>
public sealed class ThinkingOnThePageTests : ChatPageContext
{
    [Fact]
    public async Task The_thinking_streams_above_the_answer_then_folds_and_is_never_answer_text()
    {
        var page = Render<Chat>();
        await SendAsync(page, "What is the capital of France?");

        Engine.WriteThought("The user asks about a capital.");
        page.WaitForAssertion(() => Assert.Equal("The user asks about a capital.", Reasoning(page)?.QuerySelector(".reasoning-text")?.TextContent));
        Assert.True(Reasoning(page)!.HasAttribute("open"), "open while the model thinks");
        Assert.Equal("Thinking…", Reasoning(page)!.QuerySelector("summary")!.TextContent);
        Assert.Null(Answer(page).QuerySelector(".markdown"));

        Clock.Advance(TimeSpan.FromSeconds(3));
        Engine.WriteThought(" It is Paris.");
        page.WaitForAssertion(() => Assert.Equal("Thinking… 3 s", Reasoning(page)!.QuerySelector("summary")!.TextContent));

        Clock.Advance(TimeSpan.FromSeconds(2));
        Engine.Write("Paris!");
        page.WaitForAssertion(() => Assert.Equal("Paris!", Answer(page).QuerySelector(".markdown")?.TextContent.Trim()));
        Assert.False(Reasoning(page)!.HasAttribute("open"), "folded once the answer starts");
        Assert.Equal("Thought for 5 s", Reasoning(page)!.QuerySelector("summary")!.TextContent);
        Engine.EndAnswer();
        page.WaitForAssertion(() => Assert.Equal("completed", Answer(page).GetAttribute("data-state")));

        // Opened again from the store, as after a reload: the thinking is there, folded, and still not the answer.
        var session = Services.GetRequiredService<ChatSession>();
        var id = session.ConversationId!.Value;
        await page.InvokeAsync(session.NewChat);
        await page.InvokeAsync(() => session.OpenAsync(id, CancellationToken.None));
        page.WaitForAssertion(() => Assert.Equal("The user asks about a capital. It is Paris.", Reasoning(page)?.QuerySelector(".reasoning-text")?.TextContent));
        Assert.False(Reasoning(page)!.HasAttribute("open"));
        Assert.Equal("Thought for 5 s", Reasoning(page)!.QuerySelector("summary")!.TextContent);
        Assert.Equal("Paris!", Answer(page).QuerySelector(".markdown")?.TextContent.Trim());
    }

    [Fact]
    public async Task A_thought_that_spells_markup_renders_as_text()
    {
        var page = Render<Chat>();
        await SendAsync(page, "hi");

        Engine.WriteThought("<img src=x onerror=alert(1)><script>alert(2)</script>");
        page.WaitForAssertion(() => Assert.NotNull(Reasoning(page)));

        Assert.Empty(Reasoning(page)!.QuerySelectorAll("img, script"));
        Assert.Contains("<script>", Reasoning(page)!.QuerySelector(".reasoning-text")!.TextContent);
        Engine.EndAnswer();
    }

    private static AngleSharp.Dom.IElement Answer(IRenderedComponent<Chat> page) =>
        page.FindAll("[data-testid=message][data-role=assistant]")[^1];

    private static AngleSharp.Dom.IElement? Reasoning(IRenderedComponent<Chat> page) =>
        Answer(page).QuerySelector("[data-testid=reasoning]");

    private static async Task SendAsync(IRenderedComponent<Chat> page, string text)
    {
        page.WaitForAssertion(() => Assert.False(page.Find("[data-testid=chat-input]").HasAttribute("disabled")));
        await page.Find("[data-testid=chat-input]").InputAsync(new Microsoft.AspNetCore.Components.ChangeEventArgs { Value = text });
        _ = page.Find("[data-testid=send]").ClickAsync(new());
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=message]").Count));
    }
}
