using Bunit;
using Edison.Core.Replies;
using Edison.Tests.TestSupport;
using Edison.Web.Components.Chat;
using Microsoft.Extensions.DependencyInjection;

namespace Edison.Tests.Web.Components;

/// <summary>The chat page in bUnit: tokens written one by one into the real pipeline, time moved by hand.</summary>
public sealed class ChatPageComponentTests : ChatPageContext
{
    [Fact]
    public async Task The_answer_bubble_grows_token_by_token()
    {
        var page = Render<Chat>();
        await SendAsync(page, "hi");

        Engine.Write("Hello");
        page.WaitForAssertion(() => Assert.Equal("Hello", AnswerText(page)));
        Clock.Advance(ChatSession.PublishInterval);
        Engine.Write(" there");
        page.WaitForAssertion(() => Assert.Equal("Hello there", AnswerText(page)));
        Assert.NotNull(Answer(page).QuerySelector("[data-testid=streaming-indicator]"));

        Engine.EndAnswer();
        page.WaitForAssertion(() => Assert.Equal("completed", Answer(page).GetAttribute("data-state")));
        Assert.Null(Answer(page).QuerySelector("[data-testid=streaming-indicator]"));
    }

    [Fact]
    public async Task A_screen_reader_hears_the_answer_once_when_it_is_done_not_each_piece_as_it_streams()
    {
        var page = Render<Chat>();
        await SendAsync(page, "hi");

        Engine.Write("Hello");
        page.WaitForAssertion(() => Assert.Equal("Hello", AnswerText(page)));
        Assert.Empty(page.FindAll("[aria-live]:not([data-testid=answer-announcement]), [role=log]"));
        Assert.Equal("", page.Find("[data-testid=answer-announcement]").TextContent);

        Clock.Advance(ChatSession.PublishInterval);
        Engine.Write(" there");
        Engine.EndAnswer();
        page.WaitForAssertion(() => Assert.Equal("completed", Answer(page).GetAttribute("data-state")));
        page.WaitForAssertion(() => Assert.Equal("Edison answered: Hello there", page.Find("[data-testid=answer-announcement]").TextContent));
        Assert.Equal("polite", page.Find("[data-testid=answer-announcement]").GetAttribute("aria-live"));
    }

    [Fact]
    public async Task Renders_are_throttled_to_one_per_interval_and_only_the_answer_re_renders()
    {
        var page = Render<Chat>();
        await SendAsync(page, "hi");
        var question = page.FindComponents<ChatMessageItem>()[0];
        var answer = page.FindComponents<ChatMessageItem>()[1];
        int questionRenders = question.RenderCount;

        Engine.Write("t0 ");
        page.WaitForAssertion(() => Assert.Equal("t0", AnswerText(page)));
        int afterFirst = answer.RenderCount;
        for (int i = 1; i < 20; i++)
        {
            Engine.Write($"t{i} ");
        }

        await ReplyHasTakenAsync(text => text.EndsWith("t19 ", StringComparison.Ordinal));
        Assert.Equal(afterFirst, answer.RenderCount);
        Assert.Equal("t0", AnswerText(page));

        Clock.Advance(ChatSession.PublishInterval);
        page.WaitForAssertion(() => Assert.EndsWith("t19", AnswerText(page)));
        int afterInterval = answer.RenderCount;
        Assert.True(afterInterval > afterFirst);
        Assert.Equal(questionRenders, question.RenderCount);

        // At the end the question renders again too: its buttons can be pressed once no answer is being written.
        Engine.EndAnswer();
        page.WaitForAssertion(() => Assert.Equal("completed", Answer(page).GetAttribute("data-state")));
        Assert.True(answer.RenderCount > afterInterval);
    }

    [Fact]
    public async Task A_fast_stream_publishes_about_once_per_interval_not_once_per_token()
    {
        var page = Render<Chat>();
        await SendAsync(page, "hi");
        var message = page.FindComponents<ChatMessageItem>()[1].Instance.Message;

        // 200 tokens, one every 5 ms of (fake) time: one second of streaming.
        for (int i = 0; i < 200; i++)
        {
            Engine.Write("x");
            await ReplyHasTakenAsync(text => text.Length == i + 1);
            Clock.Advance(TimeSpan.FromMilliseconds(5));
        }

        Engine.EndAnswer();
        page.WaitForAssertion(() => Assert.Equal("completed", Answer(page).GetAttribute("data-state")));

        // One publish per 50 ms interval (20 in a second), plus the first token and the end: never 200.
        Assert.InRange(message.Version, 18, 23);
        Assert.Equal(new string('x', 200), AnswerText(page));
    }

    [Fact]
    public async Task Stop_cancels_generation_keeps_the_partial_text_and_marks_the_bubble()
    {
        var page = Render<Chat>();
        await SendAsync(page, "hi");
        Engine.Write("Partial answer");
        page.WaitForAssertion(() => Assert.Equal("Partial answer", AnswerText(page)));

        // Found and clicked in one go on the page's dispatcher: the streaming page may render between the two otherwise.
        await page.InvokeAsync(() => { _ = page.Find("[data-testid=stop]").ClickAsync(new()); });

        page.WaitForAssertion(() => Assert.Equal("stopped", Answer(page).GetAttribute("data-state")));
        Assert.Equal("Partial answer", AnswerText(page));
        Assert.NotNull(Answer(page).QuerySelector("[data-testid=stopped-label]"));
        Assert.Equal(0, Engine.ActiveGenerations);
        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=send]")));
        var store = Services.GetRequiredService<Edison.Core.Conversations.IConversationStore>();
        var stored = await store.GetAsync(Assert.Single(await store.ListAsync(CancellationToken.None)).Id, CancellationToken.None);
        Assert.Equal(["hi", "Partial answer"], stored!.Messages.Select(m => m.Content));
        Assert.Equal(Edison.Core.Conversations.MessageState.Stopped, stored.Messages[1].State);
    }

    [Fact]
    public async Task With_streaming_off_the_answer_appears_whole_in_one_render()
    {
        JSInterop.Setup<string?>("localStorage.getItem", BrowserSettings.StorageKey).SetResult("{\"streamResponses\":false}");
        var page = Render<Chat>();
        await SendAsync(page, "hi");
        var answer = page.FindComponents<ChatMessageItem>()[1];
        int before = answer.RenderCount;
        Assert.NotNull(Answer(page).QuerySelector("[data-testid=streaming-indicator]"));

        foreach (var token in new[] { "The ", "whole ", "answer" })
        {
            Engine.Write(token);
            Clock.Advance(ChatSession.PublishInterval);
        }

        await ReplyHasTakenAsync(text => text == "The whole answer");
        Assert.Equal(before, answer.RenderCount);
        Assert.Equal(string.Empty, AnswerText(page));

        // Nothing rendered while it was written, so the first render after its end shows it whole.
        Engine.EndAnswer();
        page.WaitForAssertion(() => Assert.Equal("The whole answer", AnswerText(page)));
        Assert.True(answer.RenderCount > before);
    }

    [Fact]
    public async Task A_message_too_long_for_the_model_stays_in_the_box_with_the_reason_and_nothing_is_sent()
    {
        var page = Render<Chat>();
        var tooLong = string.Concat(Enumerable.Repeat("lorem ipsum ", 400));
        page.WaitForAssertion(() => Assert.False(page.Find("[data-testid=chat-input]").HasAttribute("disabled")));
        await page.Find("[data-testid=chat-input]").InputAsync(new Microsoft.AspNetCore.Components.ChangeEventArgs { Value = tooLong });

        await page.Find("[data-testid=send]").ClickAsync(new());

        page.WaitForAssertion(() => Assert.Contains("too long for this model", page.Find("[data-testid=input-refused]").TextContent));
        Assert.Equal(tooLong, page.Find("[data-testid=chat-input]").GetAttribute("value"));
        Assert.Empty(page.FindAll("[data-testid=message]"));
        Assert.Empty(Engine.Requests);
    }

    [Fact]
    public async Task Retrying_a_stored_failed_answer_answers_the_question_again_beside_it_and_keeps_the_failed_one()
    {
        var page = Render<Chat>();
        await SendAsync(page, "hi");
        Engine.Write("Half");
        Engine.Fail();
        page.WaitForAssertion(() => Assert.Equal("failed", Answer(page).GetAttribute("data-state")));
        Assert.Contains("failed while writing the answer", Answer(page).QuerySelector("[data-testid=message-error]")!.TextContent);
        page.WaitForAssertion(() => Assert.False(page.Find("[data-testid=edit-message]").HasAttribute("disabled")));

        await page.InvokeAsync(() => Answer(page).QuerySelector("[data-testid=retry]")!.ClickAsync(new()));
        page.WaitForAssertion(() => Assert.NotEqual("failed", Answer(page).GetAttribute("data-state")));
        Engine.Write("A whole answer.");
        Engine.EndAnswer();
        page.WaitForAssertion(() => Assert.Equal("2/2", Answer(page).QuerySelector("[data-testid=branch-position]")?.TextContent));

        Assert.Equal(2, page.FindAll("[data-testid=message]").Count);
        Assert.Equal("A whole answer.", AnswerText(page));
        Assert.Equal("hi", Engine.Requests[1].Prompt.Parts.Last(p => !p.IsMarkup).Text);
        await page.InvokeAsync(() => Answer(page).QuerySelector("[data-testid=branch-prev]")!.ClickAsync(new()));
        page.WaitForAssertion(() => Assert.Equal("failed", Answer(page).GetAttribute("data-state")));
        Assert.Equal("Half", AnswerText(page));
    }

    [Fact]
    public async Task A_new_conversation_appears_in_the_sidebar_with_a_generated_title()
    {
        var page = Render<Chat>();
        await SendAsync(page, "my dog is called Rex and he likes long walks");
        Engine.Write("What a lovely dog!");
        Engine.EndAnswer();
        page.WaitForAssertion(() => Assert.Equal("completed", Answer(page).GetAttribute("data-state")));

        Engine.Write("\"Rex the dog\"");
        Engine.EndAnswer();

        page.WaitForAssertion(() => Assert.Equal("Rex the dog", page.Find("[data-testid=conversation-item]").TextContent.Trim()));
        Assert.Contains("title", Engine.Requests[^1].Prompt.Text);
        Assert.Equal(16, Engine.Requests[^1].MaxTokens);
    }

    private static AngleSharp.Dom.IElement Answer(IRenderedComponent<Chat> page) =>
        page.FindAll("[data-testid=message][data-role=assistant]")[^1];

    private static string AnswerText(IRenderedComponent<Chat> page) =>
        Answer(page).QuerySelector(".markdown")?.TextContent.Trim() ?? string.Empty;

    private static async Task SendAsync(IRenderedComponent<Chat> page, string text)
    {
        page.WaitForAssertion(() => Assert.False(page.Find("[data-testid=chat-input]").HasAttribute("disabled")));
        await page.Find("[data-testid=chat-input]").InputAsync(new Microsoft.AspNetCore.Components.ChangeEventArgs { Value = text });
        _ = page.Find("[data-testid=send]").ClickAsync(new());
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=message]").Count));
    }

    /// <summary>
    /// Waits until the conversation's answer holds every token written (<paramref name="taken"/> says when), so a
    /// render count read after it counts what those tokens caused.
    /// </summary>
    private async Task ReplyHasTakenAsync(Func<string, bool> taken)
    {
        var replies = Services.GetRequiredService<Answers>();
        var id = Services.GetRequiredService<ChatSession>().ConversationId!.Value;
        await Eventually.WaitUntilAsync(() => replies.Find(id)?.Text is { } text && taken(text));
    }
}
