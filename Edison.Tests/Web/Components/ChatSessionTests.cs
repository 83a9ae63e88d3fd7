using Edison.Core.Conversations;
using Edison.Core.Inference.Models;
using Edison.Core.Replies;
using Edison.Tests.TestSupport;
using Edison.Web.Components.Chat;
using Microsoft.Extensions.DependencyInjection;

namespace Edison.Tests.Web.Components;

/// <summary>
/// A page shows answers the server owns: leaving, another conversation, New chat or the circuit going away do not
/// stop them; every page on the conversation follows the same answer, and Stop from any of them stops it for all.
/// </summary>
public sealed class ChatSessionTests : ChatPageContext
{
    [Fact]
    public async Task A_new_conversation_has_its_id_and_its_question_stored_as_soon_as_it_is_sent()
    {
        var session = NewSession();

        Assert.Null(await session.SendAsync("plan my week", new ChatSettings()));
        await Eventually.WaitUntilAsync(() => Engine.ActiveGenerations == 1);

        var id = Assert.NotNull(session.ConversationId);
        var stored = await StoredAsync(id);
        Assert.Equal("plan my week", stored.Messages[0].Content);
        Assert.Equal(MessageState.Answering, stored.Messages[1].State);
        Engine.EndAnswer();
    }

    [Fact]
    public async Task Opening_another_conversation_leaves_the_answer_running_and_coming_back_shows_it_growing()
    {
        var session = NewSession();
        await session.SendAsync("tell me a story", new ChatSettings());
        var id = session.ConversationId!.Value;
        Engine.Write("Once upon");
        await Eventually.WaitUntilAsync(() => Engine.PendingTokens == 0);

        await session.OpenAsync(Guid.NewGuid(), CancellationToken.None);
        Assert.Equal(1, Engine.ActiveGenerations);
        Engine.Write(" a time");
        await Eventually.WaitUntilAsync(() => Engine.PendingTokens == 0);
        await session.OpenAsync(id, CancellationToken.None);

        var answer = session.Messages[^1];
        Assert.Equal("tell me a story", session.Messages[^2].Content);
        await Eventually.WaitUntilAsync(() =>
        {
            Clock.Advance(ChatSession.PublishInterval);
            return answer.Content == "Once upon a time";
        });
        Assert.True(session.IsReplying);
        Engine.Write(", the end.");
        Engine.EndAnswer();
        Clock.Advance(ChatSession.PublishInterval);
        await Eventually.WaitUntilAsync(() => answer.State == BubbleState.Completed);
        Assert.Equal("Once upon a time, the end.", answer.Content);
        Assert.Equal("Once upon a time, the end.", (await StoredAsync(id)).Messages[1].Content);
    }

    [Fact]
    public async Task The_circuit_going_away_does_not_stop_the_answer_and_it_is_stored_whole()
    {
        var session = NewSession();
        await session.SendAsync("hi", new ChatSettings { Remember = true });
        var id = session.ConversationId!.Value;
        await Eventually.WaitUntilAsync(() => Engine.ActiveGenerations == 1);

        session.Dispose();
        Engine.Write("still here");
        Engine.EndAnswer();

        await Eventually.WaitUntilAsync(async () => (await StoredAsync(id)).Messages[1].State == MessageState.Completed);
        Assert.Equal("still here", (await StoredAsync(id)).Messages[1].Content);
    }

    [Fact]
    public async Task Two_pages_on_one_conversation_follow_the_same_answer_and_Stop_from_either_stops_it_for_both()
    {
        var first = NewSession();
        var second = NewSession();
        await first.SendAsync("first question", new ChatSettings());
        var id = first.ConversationId!.Value;
        Engine.Write("first answer");
        Engine.EndAnswer();

        // The first answer of a conversation is followed by a request for its title.
        await Eventually.WaitUntilAsync(() => Engine.Requests.Count == 2);
        Engine.Write("Two questions");
        Engine.EndAnswer();
        await Eventually.WaitUntilAsync(() => Engine.ActiveGenerations == 0);
        await second.OpenAsync(id, CancellationToken.None);

        // A question sent from the first page appears on the second as it is answered.
        await first.SendAsync("second question", new ChatSettings());
        await Eventually.WaitUntilAsync(() => second.Messages.Count == 4);
        Engine.Write("partial");
        await Eventually.WaitUntilAsync(() => second.Messages[^1].Content == "partial" && first.Messages[^1].Content == "partial");
        second.Stop();

        await Eventually.WaitUntilAsync(() => first.Messages[^1].State == BubbleState.Stopped && second.Messages[^1].State == BubbleState.Stopped);
        Assert.Equal("second question", second.Messages[2].Content);
        Assert.Equal("partial", first.Messages[^1].Content);
        Assert.Equal("partial", second.Messages[^1].Content);
        var stored = await StoredAsync(id);
        Assert.Equal(MessageState.Stopped, stored.Messages[3].State);
        Assert.Equal("partial", stored.Messages[3].Content);
    }

    /// <summary>
    /// The title holds the conversation's cached tokens while it is written; a question sent meanwhile stops it and is
    /// answered at once (instead of reading the whole conversation again beside it), and the title is asked for after
    /// that answer.
    /// </summary>
    [Fact]
    public async Task A_question_sent_while_the_title_is_written_is_answered_at_once_and_the_title_comes_after_it()
    {
        var session = NewSession();
        await session.SendAsync("first question", new ChatSettings());
        var id = session.ConversationId!.Value;
        Engine.Write("first answer");
        Engine.EndAnswer();
        await Eventually.WaitUntilAsync(() => Engine.Requests.Count == 2 && Engine.ActiveGenerations == 1);

        Assert.Null(await session.SendAsync("second question", new ChatSettings()).WaitAsync(TimeSpan.FromSeconds(10)));
        await Eventually.WaitUntilAsync(() => Engine.Requests.Count == 3);
        Assert.Contains("second question", Engine.Requests[2].Prompt.Text);
        Engine.Write("second answer");
        Engine.EndAnswer();
        await Eventually.WaitUntilAsync(() => Engine.Requests.Count == 4);
        Assert.Contains("second answer", Engine.Requests[3].Prompt.Text);
        Engine.Write("Two questions");
        Engine.EndAnswer();

        await Eventually.WaitUntilAsync(async () => (await StoredAsync(id)).Title == "Two questions");
        Assert.Equal(["first question", "first answer", "second question", "second answer"], session.Messages.Select(m => m.Content));
    }

    [Fact]
    public async Task A_stopped_or_failed_answer_is_shown_as_such_when_the_conversation_is_opened_again()
    {
        var store = Services.GetRequiredService<IConversationStore>();
        var id = Guid.NewGuid();
        var stopped = await store.BeginExchangeAsync(id, "stop me", context: null, ExchangePlace.AfterShown, CancellationToken.None);
        await store.FinishExchangeAsync(id, stopped, "stop me", "half an ans", MessageState.Stopped, null, details: null, CancellationToken.None);
        var failed = await store.BeginExchangeAsync(id, "fail me", context: null, ExchangePlace.AfterShown, CancellationToken.None);
        await store.FinishExchangeAsync(id, failed, "fail me", string.Empty, MessageState.Failed, "The model failed.", details: null, CancellationToken.None);
        await store.BeginExchangeAsync(id, "cut short", context: null, ExchangePlace.AfterShown, CancellationToken.None);

        var session = NewSession();
        await session.OpenAsync(id, CancellationToken.None);

        Assert.Equal([BubbleState.Completed, BubbleState.Stopped, BubbleState.Completed, BubbleState.Failed, BubbleState.Completed, BubbleState.Failed], session.Messages.Select(m => m.State));
        Assert.Equal("half an ans", session.Messages[1].Content);
        Assert.Equal("The model failed.", session.Messages[3].Error);
        Assert.Contains("stopped while this answer was being written", session.Messages[5].Error);
    }

    [Fact]
    public async Task A_message_the_model_cannot_take_is_refused_before_anything_is_sent()
    {
        var session = NewSession();

        var refusal = await session.SendAsync(string.Concat(Enumerable.Repeat("far too long ", 2000)), new ChatSettings());

        Assert.Contains("too long for this model", refusal);
        Assert.Empty(session.Messages);
        Assert.Null(session.ConversationId);
        Assert.Empty(Engine.Requests);
    }

    [Fact]
    public async Task A_saved_answer_length_the_model_cannot_hold_sends_with_the_most_it_can_hold()
    {
        // Saved while a model with a larger context was loaded: the person keeps chatting on the smaller one.
        var session = NewSession();

        Assert.Null(await session.SendAsync("hello again", new ChatSettings { MaxTokens = 30_000 }));

        await Eventually.WaitUntilAsync(() => Engine.ActiveGenerations == 1);
        Assert.Equal(1024, Engine.Requests[0].MaxTokens);
        Engine.EndAnswer();
    }

    [Fact]
    public async Task A_version_shown_on_one_page_is_shown_on_every_page_on_the_conversation()
    {
        var id = Guid.NewGuid();
        var store = Services.GetRequiredService<IConversationStore>();
        await store.AppendExchangeAsync(id, "name a colour", "Red.", context: null, ExchangePlace.AfterShown, details: null, CancellationToken.None);
        var question = (await StoredAsync(id)).Messages[0].Id;
        await store.AppendExchangeAsync(id, "name a colour", "Blue.", context: null, ExchangePlace.AnswerAgain(question), details: null, CancellationToken.None);
        var first = NewSession();
        var second = NewSession();
        await first.OpenAsync(id, CancellationToken.None);
        await second.OpenAsync(id, CancellationToken.None);

        await first.ShowVersionAsync(first.Messages[1], -1, CancellationToken.None);

        await Eventually.WaitUntilAsync(() => second.Messages[^1].Content == "Red.");
        Assert.Equal(1, second.Messages[^1].BranchPosition);
        Assert.Equal("Red.", first.Messages[^1].Content);
    }

    [Fact]
    public async Task The_model_reads_the_prompt_the_pipeline_built_and_fitted_to_its_context()
    {
        var session = NewSession();
        await session.SendAsync("plan my week", new ChatSettings());
        await Eventually.WaitUntilAsync(() => Engine.ActiveGenerations == 1);

        var prepared = Services.GetRequiredService<Answers>().Find(session.ConversationId!.Value)!.Prepared;
        Assert.Same(prepared.Prompt.Formatted, Engine.Requests[0].Prompt);
        Engine.EndAnswer();
    }

    [Fact]
    public async Task A_page_moving_to_another_conversation_while_an_answer_starts_in_the_one_it_leaves_does_not_follow_that_answer()
    {
        var library = Services.GetRequiredService<ConversationLibrary>();
        var left = await ImportAsync(library, "asked in the conversation left");
        var opened = await ImportAsync(library, "asked in the conversation opened");
        var store = ControlledConversationStore.Wrap(Services.GetRequiredService<IConversationStore>(), out var gate);
        using var page = new ChatSession(
            Services.GetRequiredService<Answers>(), Services.GetRequiredService<IChatModelSource>(), Services.GetRequiredService<ConversationEvents>(), store, library, Clock);
        var other = NewSession();
        await page.OpenAsync(left, CancellationToken.None);
        await other.OpenAsync(left, CancellationToken.None);
        var read = new TaskCompletionSource();
        gate.Hold(opened, read.Task);

        // The page is reading the conversation it moves to when another tab asks in the one it leaves.
        var opening = page.OpenAsync(opened, CancellationToken.None);
        Assert.Null(await other.SendAsync("a new question in the conversation left", new ChatSettings()));
        read.SetResult();
        await opening;

        Assert.Equal(opened, page.ConversationId);
        Assert.Equal("asked in the conversation opened", page.Messages[0].Content);
        Assert.False(page.IsReplying);
        Assert.Null(await page.SendAsync("a question in the conversation opened", new ChatSettings()));
        Assert.Equal("a question in the conversation opened", page.Messages[^2].Content);
        Assert.True(page.IsReplying);
        page.Stop();
        await Eventually.WaitUntilAsync(() => page.Messages[^1].State == BubbleState.Stopped);
        other.Stop();
        await Eventually.WaitUntilAsync(() => Engine.ActiveGenerations == 0);
    }

    private static async Task<Guid> ImportAsync(ConversationLibrary library, string question)
    {
        using var file = System.Text.Json.JsonDocument.Parse(System.Text.Json.JsonSerializer.Serialize(new
        {
            messages = new[] { new { role = "user", content = question }, new { role = "assistant", content = "an answer" } },
        }));
        return await library.ImportAsync(file.RootElement, CancellationToken.None);
    }

    private ChatSession NewSession() => Services.CreateScope().ServiceProvider.GetRequiredService<ChatSession>();

    private async Task<Conversation> StoredAsync(Guid id) =>
        await Services.GetRequiredService<IConversationStore>().GetAsync(id, CancellationToken.None) ?? throw new InvalidOperationException("not stored");
}
