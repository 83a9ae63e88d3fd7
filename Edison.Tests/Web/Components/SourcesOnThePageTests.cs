using Bunit;
using Edison.Core.Chat;
using Edison.Core.Context;
using Edison.Core.Conversations;
using Edison.Core.Inference.Prompts;
using Edison.Tests.TestSupport;
using Edison.Web.Components.Chat;
using Microsoft.Extensions.DependencyInjection;

namespace Edison.Tests.Web.Components;

/// <summary>Under an answer the page shows what it was written from: remembered conversations, web results, notices.</summary>
public sealed class SourcesOnThePageTests : ChatPageContext
{
    [Fact]
    public async Task A_remembered_conversation_is_listed_under_the_answer_and_links_to_it()
    {
        var earlier = Guid.NewGuid();
        await Services.GetRequiredService<IConversationStore>()
            .AppendExchangeAsync(earlier, "My dog Rex loves chasing squirrels", "What a lively dog!", context: null, ExchangePlace.AfterShown, details: null, CancellationToken.None);
        var page = Render<Chat>();

        page.WaitForAssertion(() => Assert.False(page.Find("[data-testid=chat-input]").HasAttribute("disabled")));
        await page.Find("[data-testid=chat-input]").InputAsync(new Microsoft.AspNetCore.Components.ChangeEventArgs { Value = "What does my dog like?" });
        _ = page.Find("[data-testid=send]").ClickAsync(new());
        Engine.Write("Squirrels.");
        Engine.EndAnswer();

        page.WaitForAssertion(() => Assert.Equal("completed", page.FindAll("[data-testid=message][data-role=assistant]")[^1].GetAttribute("data-state")));
        var source = page.Find("[data-testid=source]");
        Assert.Equal("memory", source.GetAttribute("data-kind"));
        Assert.Equal($"/c/{earlier}", source.QuerySelector("a")!.GetAttribute("href"));
        Assert.Contains("My dog Rex loves chasing squirrels", source.TextContent);
        Assert.Contains("Rex loves chasing squirrels", Engine.Requests[0].Prompt.Text);
        var stored = await Services.GetRequiredService<IConversationStore>().GetAsync(
            Services.GetRequiredService<ChatSession>().ConversationId!.Value, CancellationToken.None);
        Assert.Equal(earlier, Assert.Single(stored!.Messages[1].Details!.Sources).ConversationId);
    }

    [Fact]
    public async Task A_stored_answer_opened_again_shows_the_sources_it_was_written_from()
    {
        var earlier = Guid.NewGuid();
        var id = Guid.NewGuid();
        var store = Services.GetRequiredService<IConversationStore>();
        await store.AppendExchangeAsync(earlier, "My dog Rex loves chasing squirrels", "What a lively dog!", context: null, ExchangePlace.AfterShown, details: null, CancellationToken.None);
        await store.AppendExchangeAsync(
            id, "What does my dog like?", "Squirrels.", context: null, ExchangePlace.AfterShown,
            new AnswerDetails("chat", CutOff: false, [ChatSource.Memory(earlier, "My dog Rex loves chasing squirrels")]), CancellationToken.None);

        var page = Render<Chat>(p => p.Add(c => c.ConversationId, id));

        page.WaitForAssertion(() => Assert.Equal($"/c/{earlier}", page.Find("[data-testid=source] a").GetAttribute("href")));
        Assert.Contains("My dog Rex loves chasing squirrels", page.Find("[data-testid=source]").TextContent);
    }

    [Fact]
    public void Web_sources_open_safely_name_their_host_and_a_hostile_one_is_no_link()
    {
        var answer = new ChatBubble(ChatTurn.Assistant, "Rust 1.99 is out.");
        answer.Ground(ChatDone.Completed(
            "chat",
            "Rust 1.99 is out.",
            Guid.NewGuid(),
            [
                ChatSource.Web("Rust 1.99 released", "https://blog.example.org/rust", "Faster builds."),
                ChatSource.Web("<b>bold</b> trap", "javascript:alert(1)", "<img src=x onerror=alert(1)>"),
            ],
            ["Web search did not answer within 5 s; this answer was written without it."],
            usage: null,
            cutOff: false));
        answer.Show(answer.Content, BubbleState.Completed);

        var item = Render<ChatMessageItem>(p => p.Add(c => c.Message, answer));

        var sources = item.FindAll("[data-testid=source]");
        var link = Assert.Single(item.FindAll("[data-testid=source] a"));
        Assert.Equal("https://blog.example.org/rust", link.GetAttribute("href"));
        Assert.Equal("noopener noreferrer nofollow", link.GetAttribute("rel"));
        Assert.Contains("(blog.example.org)", sources[0].TextContent);
        Assert.StartsWith("<b>bold</b> trap", sources[1].TextContent.Trim());
        Assert.Empty(item.FindAll("[data-testid=sources] img, [data-testid=sources] b"));
        Assert.Contains("did not answer within 5 s", item.Find("[data-testid=message-notice]").TextContent);
    }

    [Fact]
    public void An_answer_without_sources_shows_no_sources_section()
    {
        var item = Render<ChatMessageItem>(p => p.Add(c => c.Message, new ChatBubble(ChatTurn.Assistant, "Hello.")));

        Assert.Empty(item.FindAll("[data-testid=sources]"));
        Assert.Empty(item.FindAll("[data-testid=message-notice]"));
    }
}
