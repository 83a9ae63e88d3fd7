using Bunit;
using Edison.Core.Conversations;
using Edison.Tests.TestSupport;
using Edison.Web.Components.Chat;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace Edison.Tests.Web.Components;

/// <summary>Regenerate, edit and the version switcher as a person uses them on the page.</summary>
public sealed class BranchesOnThePageTests : ChatPageContext
{
    [Fact]
    public async Task Regenerating_twice_keeps_three_answers_and_the_switcher_moves_between_them()
    {
        var page = Render<Chat>();
        await SendAsync(page, "Tell me a joke");
        Answer("First.");
        WaitForAnswer(page, "First.");
        Title(page, "Jokes");

        await ClickWhenEnabledAsync(page, "regenerate");
        Answer("Second.");
        WaitForAnswer(page, "Second.", "2/2");
        await ClickWhenEnabledAsync(page, "regenerate");
        Answer("Third.");
        WaitForAnswer(page, "Third.", "3/3");

        await ClickWhenEnabledAsync(page, "branch-prev");
        WaitForAnswer(page, "Second.", "2/3");
        await ClickWhenEnabledAsync(page, "branch-prev");
        WaitForAnswer(page, "First.", "1/3");
        Assert.True(page.Find("[data-testid=branch-prev]").HasAttribute("disabled"));
        await ClickWhenEnabledAsync(page, "branch-next");
        WaitForAnswer(page, "Second.", "2/3");

        // One question on the page all along, and each regeneration read it without the answers before.
        Assert.Single(page.FindAll("[data-testid=message][data-role=user]"));
        Assert.All(Answers().Skip(1), r => Assert.DoesNotContain("First.", r.Prompt.Text));
        Assert.Equal(3, (await StoredAsync()).Tree.Count(m => m.Role == "assistant"));
    }

    [Fact]
    public async Task Editing_the_first_question_answers_it_anew_and_the_old_branch_is_one_click_away()
    {
        var page = Render<Chat>();
        await SendAsync(page, "Plan a trip to Rome");
        Answer("Day one: the Forum.");
        WaitForAnswer(page, "Day one: the Forum.");
        Title(page, "Rome");
        await SendAsync(page, "And day two?");
        Answer("The Vatican.");
        WaitForAnswer(page, "The Vatican.");

        await ClickWhenEnabledAsync(page, "edit-message", first: true);
        await page.Find("[data-testid=edit-box]").InputAsync(new ChangeEventArgs { Value = "Plan a trip to Lisbon" });
        await ClickWhenEnabledAsync(page, "edit-save");
        Answer("Day one: Alfama.");
        WaitForAnswer(page, "Day one: Alfama.");

        page.WaitForAssertion(() => Assert.Equal(["Plan a trip to Lisbon", "Day one: Alfama."], Texts(page)));
        page.WaitForAssertion(() => Assert.Equal("2/2", page.Find("[data-role=user] [data-testid=branch-position]").TextContent));
        Assert.DoesNotContain("Rome", Answers()[^1].Prompt.Text);

        await ClickWhenEnabledAsync(page, "branch-prev");
        page.WaitForAssertion(() => Assert.Equal(["Plan a trip to Rome", "Day one: the Forum.", "And day two?", "The Vatican."], Texts(page)));
    }

    [Fact]
    public async Task While_an_answer_is_written_nothing_that_starts_another_can_be_pressed()
    {
        var page = Render<Chat>();
        await SendAsync(page, "First question");
        Answer("One.");
        WaitForAnswer(page, "One.");
        Title(page, "Questions");
        await SendAsync(page, "Second question");
        Engine.Write("Tw");

        page.WaitForAssertion(() => Assert.True(page.Find("[data-testid=edit-message]").HasAttribute("disabled")));
        Assert.Empty(page.FindAll("[data-testid=regenerate]"));
        Engine.Write("o.");
        Engine.EndAnswer();
        WaitForAnswer(page, "Two.");
        page.WaitForAssertion(() => Assert.False(page.Find("[data-testid=regenerate]").HasAttribute("disabled")));
    }

    /// <summary>The answers' requests, without the one that titled the conversation.</summary>
    private List<Edison.Core.Inference.Engine.GenerationRequest> Answers() => Engine.Requests.Where(r => !r.Prompt.Text.Contains("title", StringComparison.Ordinal)).ToList();

    /// <summary>A new conversation's first answer is followed by a request for its title: answered here, and waited for.</summary>
    private void Title(IRenderedComponent<Chat> page, string title)
    {
        Answer(title);
        page.WaitForAssertion(() => Assert.Equal(title, page.Find("[data-testid=conversation-item]").TextContent.Trim()));
    }

    private void Answer(string text)
    {
        Engine.Write(text);
        Engine.EndAnswer();
    }

    private static async Task SendAsync(IRenderedComponent<Chat> page, string text)
    {
        page.WaitForAssertion(() => Assert.False(page.Find("[data-testid=chat-input]").HasAttribute("disabled")));
        await page.Find("[data-testid=chat-input]").InputAsync(new ChangeEventArgs { Value = text });
        await page.InvokeAsync(() => { _ = page.Find("[data-testid=send]").ClickAsync(new()); });
    }

    /// <summary>The last answer shows <paramref name="text"/>, completed, and its switcher <paramref name="position"/> when given.</summary>
    private static void WaitForAnswer(IRenderedComponent<Chat> page, string text, string? position = null) => page.WaitForAssertion(() =>
    {
        var answer = page.FindAll("[data-testid=message][data-role=assistant]")[^1];
        Assert.Equal("completed", answer.GetAttribute("data-state"));
        Assert.Equal(text, answer.QuerySelector(".markdown")?.TextContent.Trim());
        if (position is not null)
        {
            Assert.Equal(position, answer.QuerySelector("[data-testid=branch-position]")?.TextContent);
        }
    });

    /// <summary>Clicks the last (or first) such button once it can be pressed.</summary>
    private static async Task ClickWhenEnabledAsync(IRenderedComponent<Chat> page, string testId, bool first = false)
    {
        AngleSharp.Dom.IElement Button() => first ? page.FindAll($"[data-testid={testId}]")[0] : page.FindAll($"[data-testid={testId}]")[^1];
        page.WaitForAssertion(() => Assert.False(Button().HasAttribute("disabled")));
        // Found and clicked in one go on the renderer's thread: the page may render again in between otherwise.
        await page.InvokeAsync(() => { _ = Button().ClickAsync(new()); });
    }

    private static List<string> Texts(IRenderedComponent<Chat> page) =>
        page.FindAll("[data-testid=message]").Select(m => (m.QuerySelector(".markdown") ?? m.QuerySelector(".user-text"))!.TextContent.Trim()).ToList();

    private async Task<Conversation> StoredAsync()
    {
        var store = Services.GetRequiredService<IConversationStore>();
        var id = (await store.ListAsync(CancellationToken.None)).Single().Id;
        return (await store.GetAsync(id, CancellationToken.None))!;
    }
}
