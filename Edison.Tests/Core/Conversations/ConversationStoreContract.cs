using Edison.Core.Chat;
using Edison.Core.Context;
using Edison.Core.Conversations;
using Edison.Core.Inference.Prompts;
using Microsoft.Extensions.Time.Testing;

namespace Edison.Tests.Core.Conversations;

/// <summary>The same store tests against every database Edison supports.</summary>
public abstract class ConversationStoreContract : IAsyncLifetime
{
    protected FakeTimeProvider Clock { get; } = new(DateTimeOffset.Parse("2026-11-20T10:00:00Z"));

    private IConversationStore Store { get; set; } = null!;

    /// <summary>Why these tests cannot run here, or null.</summary>
    protected abstract string? MissingReason { get; }

    protected abstract Task<IConversationStore> CreateStoreAsync();

    protected abstract Task DropStoreAsync();

    /// <summary>
    /// A store over a new database written by the schema before conversations became trees, holding one conversation
    /// of two exchanges ("q1", "a1", "q2", "a2"); not yet initialized.
    /// </summary>
    protected abstract Task<IConversationStore> CreateStoreOverPreviousSchemaAsync(Guid conversation);

    public async Task InitializeAsync()
    {
        if (MissingReason is null)
        {
            Store = await CreateStoreAsync();
            await Store.InitializeAsync(CancellationToken.None);
            await Store.InitializeAsync(CancellationToken.None);
        }
    }

    public async Task DisposeAsync()
    {
        if (MissingReason is null)
        {
            await DropStoreAsync();
        }
    }

    [SkippableFact]
    public async Task An_answer_being_written_keeps_its_text_so_far_and_its_end_is_never_overwritten_by_it()
    {
        Skip.If(MissingReason is not null, MissingReason);
        var id = Guid.NewGuid();
        long answer = await Store.BeginExchangeAsync(id, "Tell me about tides", context: null, ExchangePlace.AfterShown, CancellationToken.None);

        await Store.SaveAnswerSoFarAsync(id, answer, "The moon pulls", details: null, CancellationToken.None);
        var whileWritten = (await Store.GetAsync(id, CancellationToken.None))!.Messages[^1];
        await Store.FinishExchangeAsync(id, answer, "Tell me about tides", "The moon pulls the sea.", MessageState.Completed, null, details: null, CancellationToken.None);
        await Store.SaveAnswerSoFarAsync(id, answer, "The moon pulls the", details: null, CancellationToken.None);
        var ended = (await Store.GetAsync(id, CancellationToken.None))!.Messages[^1];

        Assert.Equal(("The moon pulls", MessageState.Answering), (whileWritten.Content, whileWritten.State));
        Assert.Equal(("The moon pulls the sea.", MessageState.Completed), (ended.Content, ended.State));
    }

    [SkippableFact]
    public async Task A_thinking_answer_being_written_keeps_its_thinking_so_far_and_edison_restarting_keeps_it_too()
    {
        Skip.If(MissingReason is not null, MissingReason);
        var id = Guid.NewGuid();
        long answer = await Store.BeginExchangeAsync(id, "Why is the sky blue?", context: null, ExchangePlace.AfterShown, CancellationToken.None);
        var thinking = new AnswerDetails("chat", CutOff: false, [], Reasoning: "Light scatters; blue scatters");

        await Store.SaveAnswerSoFarAsync(id, answer, string.Empty, thinking, CancellationToken.None);
        await Store.SaveAnswerSoFarAsync(id, answer, "Rayleigh", details: null, CancellationToken.None);
        var whileWritten = (await Store.GetAsync(id, CancellationToken.None))!.Messages[^1];
        await Store.InitializeAsync(CancellationToken.None);
        var afterRestart = (await Store.GetAsync(id, CancellationToken.None))!.Messages[^1];

        Assert.Equal(("Rayleigh", "Light scatters; blue scatters"), (whileWritten.Content, whileWritten.Details?.Reasoning));
        Assert.Equal("Light scatters; blue scatters", afterRestart.Details?.Reasoning);
    }

    [SkippableFact]
    public async Task An_exchange_creates_its_conversation_titled_from_the_message_and_later_ones_follow_in_order()
    {
        Skip.If(MissingReason is not null, MissingReason);
        var id = Guid.NewGuid();

        await Store.AppendExchangeAsync(id, "Plan a trip to Lisbon", "Day one: Alfama.", context: null, ExchangePlace.AfterShown, details: null, CancellationToken.None);
        Clock.Advance(TimeSpan.FromMinutes(3));
        await Store.AppendExchangeAsync(id, "And day two?", "Belém.", context: null, ExchangePlace.AfterShown, details: null, CancellationToken.None);
        var conversation = await Store.GetAsync(id, CancellationToken.None);

        Assert.NotNull(conversation);
        Assert.Equal("Plan a trip to Lisbon", conversation.Title);
        Assert.Equal(["Plan a trip to Lisbon", "Day one: Alfama.", "And day two?", "Belém."], conversation.Messages.Select(m => m.Content));
        Assert.Equal([ChatTurn.User, ChatTurn.Assistant, ChatTurn.User, ChatTurn.Assistant], conversation.Messages.Select(m => m.Role));
        Assert.Equal(Clock.GetUtcNow(), conversation.Updated);
        Assert.Equal(Clock.GetUtcNow().AddMinutes(-3), conversation.Messages[0].Created);
    }

    [SkippableFact]
    public async Task Regenerating_and_editing_keep_every_version_and_show_the_newest()
    {
        Skip.If(MissingReason is not null, MissingReason);
        var id = Guid.NewGuid();
        await Store.AppendExchangeAsync(id, "q1", "a1", context: null, ExchangePlace.AfterShown, details: null, CancellationToken.None);
        await Store.AppendExchangeAsync(id, "q2", "a2", context: null, ExchangePlace.AfterShown, details: null, CancellationToken.None);
        var first = (await Store.GetAsync(id, CancellationToken.None))!.Messages;

        await Store.AppendExchangeAsync(id, "q2", "a2 again", context: null, ExchangePlace.AnswerAgain(first[2].Id), details: null, CancellationToken.None);
        var regenerated = (await Store.GetAsync(id, CancellationToken.None))!.Messages;
        await Store.AppendExchangeAsync(id, "q2 edited", "a2 to the edit", context: null, ExchangePlace.After(first[1].Id), details: null, CancellationToken.None);
        var edited = (await Store.GetAsync(id, CancellationToken.None))!;
        var begun = await Store.BeginExchangeAsync(id, "q1 edited", context: null, ExchangePlace.After(null), CancellationToken.None);
        var restarted = (await Store.GetAsync(id, CancellationToken.None))!;

        Assert.Equal(["q1", "a1", "q2", "a2 again"], regenerated.Select(m => m.Content));
        Assert.Equal([first[3].Id, regenerated[3].Id], regenerated[3].SiblingIds);
        Assert.Equal(["q1", "a1", "q2 edited", "a2 to the edit"], edited.Messages.Select(m => m.Content));
        Assert.Equal([first[2].Id, edited.Messages[2].Id], edited.Messages[2].SiblingIds);
        Assert.Equal(1, edited.Messages[3].Siblings);
        Assert.Equal(["q1 edited", string.Empty], restarted.Messages.Select(m => m.Content));
        Assert.Equal(begun, restarted.Messages[1].Id);
        Assert.Equal(2, restarted.Messages[0].Siblings);
        Assert.Null(restarted.Messages[0].ParentId);
        Assert.Equal(
            ["q1", "a1", "q2", "a2", "a2 again", "q2 edited", "a2 to the edit", "q1 edited", string.Empty],
            restarted.Tree.Select(m => m.Content));
    }

    [SkippableFact]
    public async Task Showing_another_version_shows_the_branch_as_it_went_on_last_and_the_next_question_follows_it()
    {
        Skip.If(MissingReason is not null, MissingReason);
        var id = Guid.NewGuid();
        await Store.AppendExchangeAsync(id, "q1", "a1", context: null, ExchangePlace.AfterShown, details: null, CancellationToken.None);
        await Store.AppendExchangeAsync(id, "q2", "a2", context: null, ExchangePlace.AfterShown, details: null, CancellationToken.None);
        await Store.AppendExchangeAsync(id, "q3", "a3", context: null, ExchangePlace.AfterShown, details: null, CancellationToken.None);
        var original = (await Store.GetAsync(id, CancellationToken.None))!.Messages;
        await Store.AppendExchangeAsync(id, "q2 edited", "a2 to the edit", context: null, ExchangePlace.After(original[1].Id), details: null, CancellationToken.None);

        var back = await Store.ShowBranchAsync(id, original[2].Id, CancellationToken.None);
        await Store.AppendExchangeAsync(id, "q4", "a4", context: null, ExchangePlace.AfterShown, details: null, CancellationToken.None);
        var goneOn = (await Store.GetAsync(id, CancellationToken.None))!.Messages;

        Assert.NotNull(back);
        Assert.Equal(["q1", "a1", "q2", "a2", "q3", "a3"], back.Messages.Select(m => m.Content));
        Assert.Equal(["q1", "a1", "q2", "a2", "q3", "a3", "q4", "a4"], goneOn.Select(m => m.Content));
        Assert.Null(await Store.ShowBranchAsync(id, original[0].Id + 100_000, CancellationToken.None));
        Assert.Null(await Store.ShowBranchAsync(Guid.NewGuid(), original[0].Id, CancellationToken.None));
    }

    [SkippableFact]
    public async Task A_conversation_stored_before_branches_is_one_branch_after_the_upgrade_goes_on_and_can_be_searched()
    {
        Skip.If(MissingReason is not null, MissingReason);
        var id = Guid.NewGuid();
        var store = await CreateStoreOverPreviousSchemaAsync(id);

        await store.InitializeAsync(CancellationToken.None);
        var upgraded = (await store.GetAsync(id, CancellationToken.None))!;
        await store.AppendExchangeAsync(id, "q3", "a3", context: null, ExchangePlace.AfterShown, details: null, CancellationToken.None);
        var goneOn = (await store.GetAsync(id, CancellationToken.None))!.Messages;
        var storedBefore = await store.SearchAsync(["a2"], 10, CancellationToken.None);
        var byOldTitle = await store.SearchAsync(["old"], 10, CancellationToken.None);

        Assert.Equal(["q1", "a1", "q2", "a2"], upgraded.Messages.Select(m => m.Content));
        Assert.Equal([null, upgraded.Messages[0].Id, upgraded.Messages[1].Id, upgraded.Messages[2].Id], upgraded.Messages.Select(m => m.ParentId));
        Assert.All(upgraded.Messages, m => Assert.Equal(1, m.Siblings));
        Assert.Equal(["q1", "a1", "q2", "a2", "q3", "a3"], goneOn.Select(m => m.Content));
        Assert.Equal(upgraded.Messages[3].Id, goneOn[4].ParentId);
        Assert.Equal((id, "a2"), (Assert.Single(storedBefore).Id, storedBefore[0].Snippet));
        Assert.Equal(id, Assert.Single(byOldTitle).Id);
    }

    [SkippableFact]
    public async Task A_created_conversation_keeps_its_tree_times_and_marks_and_its_completed_exchanges_are_remembered()
    {
        Skip.If(MissingReason is not null, MissingReason);
        var id = Guid.NewGuid();
        var at = DateTimeOffset.Parse("2026-01-02T03:04:05.678Z");
        StoredMessage[] file =
        [
            new(10, null, ChatTurn.User, "My axolotl Pico eats worms", at),
            new(11, 10, ChatTurn.Assistant, "Half an ans", at.AddSeconds(1), MessageState.Stopped),
            new(12, 10, ChatTurn.Assistant, "Pico sounds happy.", at.AddSeconds(2)),
            new(13, 12, ChatTurn.User, "And my newt?", at.AddSeconds(3), Context: "memories"),
            new(14, 13, ChatTurn.Assistant, string.Empty, at.AddSeconds(4), MessageState.Failed, "it broke"),
        ];

        await Store.CreateAsync(id, "Pets", file, shownId: 11, CancellationToken.None);
        var created = (await Store.GetAsync(id, CancellationToken.None))!;
        var remembered = await Store.SearchExchangesAsync(["axolotl"], Guid.NewGuid(), 5, CancellationToken.None);

        Assert.Equal("Pets", created.Title);
        Assert.Equal(["My axolotl Pico eats worms", "Half an ans"], created.Messages.Select(m => m.Content));
        Assert.Equal(MessageState.Stopped, created.Messages[1].State);
        Assert.Equal(2, created.Messages[1].Siblings);
        Assert.Equal(file.Select(m => (m.Role, m.Content, m.Created, m.State, m.Error, m.Context)), created.Tree.Select(m => (m.Role, m.Content, m.Created, m.State, m.Error, m.Context)));
        Assert.Equal(
            file.Select(m => m.ParentId is { } parent ? Array.FindIndex(file, f => f.Id == parent) : -1),
            created.Tree.Select(m => m.ParentId is { } parent ? created.Tree.ToList().FindIndex(t => t.Id == parent) : -1));
        Assert.Equal("Pico sounds happy.", Assert.Single(remembered).Answer);
    }

    [SkippableFact]
    public async Task An_answer_keeps_how_it_was_made_and_a_reopened_one_is_remembered_once_whole_when_finished()
    {
        Skip.If(MissingReason is not null, MissingReason);
        var id = Guid.NewGuid();
        var earlier = Guid.NewGuid();
        var made = new AnswerDetails("code", CutOff: true, [ChatSource.Memory(earlier, "an old exchange"), ChatSource.Web("Otters", "https://example.org/otters", "They hold hands.")]);
        await Store.AppendExchangeAsync(id, "Tell me about otters", "Otters are", context: null, ExchangePlace.AfterShown, made, CancellationToken.None);
        var stored = (await Store.GetAsync(id, CancellationToken.None))!.Messages;
        long answerId = stored[1].Id;

        bool reopened = await Store.ReopenAnswerAsync(id, answerId, CancellationToken.None);
        var whileWritten = (await Store.GetAsync(id, CancellationToken.None))!.Messages[1];
        var rememberedWhileWritten = await Store.SearchExchangesAsync(["otters"], Guid.Empty, 10, CancellationToken.None);
        await Store.FinishExchangeAsync(
            id, answerId, "Tell me about otters", "Otters are playful.", MessageState.Completed, null, made with { CutOff = false }, CancellationToken.None);
        var finished = (await Store.GetAsync(id, CancellationToken.None))!.Messages;
        var remembered = await Store.SearchExchangesAsync(["otters"], Guid.Empty, 10, CancellationToken.None);

        Assert.Null(stored[0].Details);
        Assert.Equal(("code", true), (stored[1].Details!.Mode, stored[1].Details!.CutOff));
        Assert.Equal(made.Sources, stored[1].Details!.Sources);
        Assert.True(reopened);
        Assert.Equal((MessageState.Answering, "Otters are"), (whileWritten.State, whileWritten.Content));
        Assert.Empty(rememberedWhileWritten);
        Assert.Equal(2, finished.Count);
        Assert.Equal(("Otters are playful.", MessageState.Completed, false), (finished[1].Content, finished[1].State, finished[1].Details!.CutOff));
        Assert.Equal("Otters are playful.", Assert.Single(remembered).Answer);
        Assert.False(await Store.ReopenAnswerAsync(id, stored[0].Id, CancellationToken.None));
        Assert.False(await Store.ReopenAnswerAsync(Guid.NewGuid(), answerId, CancellationToken.None));
    }

    [SkippableFact]
    public async Task Search_finds_every_word_in_titles_questions_and_answers_however_they_ended_best_first_with_the_words_around()
    {
        Skip.If(MissingReason is not null, MissingReason);
        var otters = Guid.NewGuid();
        var baking = Guid.NewGuid();
        var stopped = Guid.NewGuid();
        var deleted = Guid.NewGuid();
        var mostly = Guid.NewGuid();
        await Store.AppendExchangeAsync(mostly, "Otters, otters, otters!", "Yes.", context: null, ExchangePlace.AfterShown, details: null, CancellationToken.None);
        await Store.AppendExchangeAsync(otters, "Tell me about rivers", "Otters hold hands while they sleep in the river.", context: null, ExchangePlace.AfterShown, details: null, CancellationToken.None);
        await Store.AppendExchangeAsync(baking, "Sourdough starters", "Feed the starter flour and water; otters are not involved.", context: null, ExchangePlace.AfterShown, details: null, CancellationToken.None);
        var begun = await Store.BeginExchangeAsync(stopped, "Write about kelp forests", context: null, ExchangePlace.AfterShown, CancellationToken.None);
        await Store.FinishExchangeAsync(stopped, begun, "Write about kelp forests", "Sea otters wrap themselves in kelp", MessageState.Stopped, null, details: null, CancellationToken.None);
        await Store.AppendExchangeAsync(deleted, "Otters sleeping", "Holding hands.", context: null, ExchangePlace.AfterShown, details: null, CancellationToken.None);
        await Store.DeleteAsync(deleted, CancellationToken.None);
        await Store.RenameAsync(baking, "Bread notes", replacing: null, CancellationToken.None);

        var sleep = await Store.SearchAsync(["otters", "sleep"], 10, CancellationToken.None);
        var all = await Store.SearchAsync(["otters"], 10, CancellationToken.None);
        var singular = await Store.SearchAsync(["otter"], 10, CancellationToken.None);
        var title = await Store.SearchAsync(["bread"], 10, CancellationToken.None);
        var nothing = await Store.SearchAsync(["otters", "volcano"], 10, CancellationToken.None);

        var hit = Assert.Single(sleep);
        Assert.Equal(otters, hit.Id);
        Assert.Contains("hold hands while they sleep", hit.Snippet);
        Assert.Equal(new[] { otters, baking, stopped, mostly }.Order(), all.Select(h => h.Id).Order());
        Assert.Equal(mostly, all[0].Id);
        Assert.Equal(all.Select(h => h.Id).Order(), singular.Select(h => h.Id).Order());
        Assert.Equal(("Bread notes", "Bread notes"), (Assert.Single(title).Title, title[0].Snippet));
        Assert.Equal(baking, title[0].Id);
        Assert.Empty(nothing);
    }

    [SkippableFact]
    public async Task The_list_is_newest_first_renames_stick_a_suggestion_never_replaces_a_chosen_name_and_unknown_ids_say_so()
    {
        Skip.If(MissingReason is not null, MissingReason);
        var older = Guid.NewGuid();
        var newer = Guid.NewGuid();
        await Store.AppendExchangeAsync(older, "first", "a", context: null, ExchangePlace.AfterShown, details: null, CancellationToken.None);
        Clock.Advance(TimeSpan.FromSeconds(1));
        await Store.AppendExchangeAsync(newer, "second", "b", context: null, ExchangePlace.AfterShown, details: null, CancellationToken.None);

        Assert.True(await Store.RenameAsync(older, "Renamed", replacing: null, CancellationToken.None));
        Assert.False(await Store.RenameAsync(Guid.NewGuid(), "Nobody", replacing: null, CancellationToken.None));
        Assert.False(await Store.RenameAsync(older, "Suggested too late", replacing: "first", CancellationToken.None));
        Assert.True(await Store.RenameAsync(newer, "Suggested in time", replacing: "second", CancellationToken.None));
        var list = await Store.ListAsync(CancellationToken.None);

        Assert.Equal([newer, older], list.Select(c => c.Id));
        Assert.Equal(["Suggested in time", "Renamed"], list.Select(c => c.Title));
        Assert.Null(await Store.GetAsync(Guid.NewGuid(), CancellationToken.None));
    }

    [SkippableFact]
    public async Task Memory_search_finds_stemmed_words_ranks_the_users_words_first_and_leaves_one_conversation_out()
    {
        Skip.If(MissingReason is not null, MissingReason);
        var told = Guid.NewGuid();
        var mentioned = Guid.NewGuid();
        var current = Guid.NewGuid();
        await Store.AppendExchangeAsync(mentioned, "Tell me about parks", "Many parks allow dogs on a lead.", context: null, ExchangePlace.AfterShown, details: null, CancellationToken.None);
        await Store.AppendExchangeAsync(told, "My dog Rex loves chasing squirrels", "Rex sounds lively!", context: null, ExchangePlace.AfterShown, details: null, CancellationToken.None);
        await Store.AppendExchangeAsync(current, "Where should I walk my dog?", "Try the park.", context: null, ExchangePlace.AfterShown, details: null, CancellationToken.None);
        await Store.AppendExchangeAsync(Guid.NewGuid(), "I bake sourdough", "Lovely.", context: null, ExchangePlace.AfterShown, details: null, CancellationToken.None);

        var found = await Store.SearchExchangesAsync(["dogs"], current, 10, CancellationToken.None);

        Assert.Equal([told, mentioned], found.Select(e => e.ConversationId));
        Assert.Equal("My dog Rex loves chasing squirrels", found[0].UserMessage);
        Assert.Equal("Rex sounds lively!", found[0].Answer);
        Assert.Single(await Store.SearchExchangesAsync(["dog"], current, 1, CancellationToken.None));
        Assert.Empty(await Store.SearchExchangesAsync(["giraffe"], current, 10, CancellationToken.None));
        Assert.Empty(await Store.SearchExchangesAsync([], current, 10, CancellationToken.None));
    }

    [SkippableFact]
    public async Task An_answer_not_remembered_is_stored_and_searchable_but_never_recalled_however_it_was_written()
    {
        Skip.If(MissingReason is not null, MissingReason);
        var forgotten = new AnswerDetails("chat", CutOff: false, [], Remembered: false);
        var appended = Guid.NewGuid();
        var finished = Guid.NewGuid();
        var created = Guid.NewGuid();
        await Store.AppendExchangeAsync(appended, "My quokka Dot smiles", "Dot smiles a lot.", context: null, ExchangePlace.AfterShown, forgotten, CancellationToken.None);
        long begun = await Store.BeginExchangeAsync(finished, "My quokka Jo naps", null, ExchangePlace.AfterShown, CancellationToken.None);
        await Store.FinishExchangeAsync(finished, begun, "My quokka Jo naps", "Jo naps at noon.", MessageState.Completed, null, forgotten, CancellationToken.None);
        var at = DateTimeOffset.Parse("2026-01-02T03:04:05Z");
        await Store.CreateAsync(
            created,
            "Quokka Bo",
            [new(1, null, ChatTurn.User, "My quokka Bo hops", at), new(2, 1, ChatTurn.Assistant, "Bo hops far.", at) { Details = forgotten }],
            shownId: 2,
            CancellationToken.None);
        await Store.AppendExchangeAsync(Guid.NewGuid(), "My quokka Al eats leaves", "Al likes leaves.", context: null, ExchangePlace.AfterShown, forgotten with { Remembered = true }, CancellationToken.None);

        var recalled = await Store.SearchExchangesAsync(["quokka"], Guid.Empty, 10, CancellationToken.None);
        var searched = await Store.SearchAsync(["quokka"], 10, CancellationToken.None);

        Assert.Equal("Al likes leaves.", Assert.Single(recalled).Answer);
        Assert.Equal(4, searched.Count);
        foreach (var id in new[] { appended, finished, created })
        {
            Assert.False((await Store.GetAsync(id, CancellationToken.None))!.Messages[1].Details!.Remembered);
        }
    }

    [SkippableFact]
    public async Task Deleting_a_conversation_removes_its_messages_and_its_memories()
    {
        Skip.If(MissingReason is not null, MissingReason);
        var id = Guid.NewGuid();
        await Store.AppendExchangeAsync(id, "My tortoise Boris eats dandelions", "Good taste.", context: null, ExchangePlace.AfterShown, details: null, CancellationToken.None);
        Assert.Single(await Store.SearchExchangesAsync(["tortoise"], Guid.Empty, 10, CancellationToken.None));

        Assert.True(await Store.DeleteAsync(id, CancellationToken.None));
        Assert.False(await Store.DeleteAsync(id, CancellationToken.None));

        Assert.Null(await Store.GetAsync(id, CancellationToken.None));
        Assert.Empty(await Store.ListAsync(CancellationToken.None));
        Assert.Empty(await Store.SearchExchangesAsync(["tortoise"], Guid.Empty, 10, CancellationToken.None));
    }

    [SkippableFact]
    public async Task A_conversation_whose_branch_holds_over_a_thousand_messages_can_be_deleted()
    {
        Skip.If(MissingReason is not null, MissingReason);
        var id = Guid.NewGuid();
        var start = Clock.GetUtcNow();
        var messages = Enumerable.Range(1, 1_200)
            .Select(n => new StoredMessage(n, n == 1 ? null : n - 1, n % 2 == 1 ? ChatTurn.User : ChatTurn.Assistant, $"message {n}", start))
            .ToList();
        await Store.CreateAsync(id, "A long talk", messages, shownId: null, CancellationToken.None);
        Assert.Equal(1_200, (await Store.GetAsync(id, CancellationToken.None))!.Messages.Count);

        Assert.True(await Store.DeleteAsync(id, CancellationToken.None));

        Assert.Null(await Store.GetAsync(id, CancellationToken.None));
        Assert.Empty(await Store.SearchAsync(["message"], 10, CancellationToken.None));
    }

    [SkippableFact]
    public async Task An_exchange_going_on_in_a_deleted_conversation_is_refused_and_the_conversation_stays_gone()
    {
        Skip.If(MissingReason is not null, MissingReason);
        var id = Guid.NewGuid();
        await Store.AppendExchangeAsync(id, "My ferret Pip hides socks", "Ferrets do.", context: null, ExchangePlace.AfterShown, details: null, CancellationToken.None);
        var stored = (await Store.GetAsync(id, CancellationToken.None))!.Messages;
        Assert.True(await Store.DeleteAsync(id, CancellationToken.None));

        await Assert.ThrowsAsync<ConversationDeletedException>(() => Store.AppendExchangeAsync(
            id, "Where are the socks of Pip?", "Under the sofa.", context: null, ExchangePlace.After(null), details: null, CancellationToken.None));
        await Assert.ThrowsAsync<ConversationDeletedException>(() => Store.AppendExchangeAsync(
            id, "And the ferret Pip?", "Asleep.", context: null, ExchangePlace.After(stored[1].Id), details: null, CancellationToken.None));
        await Assert.ThrowsAsync<ConversationDeletedException>(() => Store.BeginExchangeAsync(
            id, "My ferret Pip hides socks", context: null, ExchangePlace.AnswerAgain(stored[0].Id), CancellationToken.None));

        Assert.Null(await Store.GetAsync(id, CancellationToken.None));
        Assert.Empty(await Store.ListAsync(CancellationToken.None));
        Assert.Empty(await Store.SearchExchangesAsync(["ferret", "socks"], Guid.Empty, 10, CancellationToken.None));
    }

    [SkippableFact]
    public async Task An_answer_finished_after_its_conversation_was_deleted_is_not_remembered()
    {
        Skip.If(MissingReason is not null, MissingReason);
        var id = Guid.NewGuid();
        var begun = await Store.BeginExchangeAsync(id, "My axolotl Mo smiles", context: null, ExchangePlace.AfterShown, CancellationToken.None);
        Assert.True(await Store.DeleteAsync(id, CancellationToken.None));

        await Store.FinishExchangeAsync(id, begun, "My axolotl Mo smiles", "Axolotls always smile.", MessageState.Completed, null, details: null, CancellationToken.None);

        Assert.Null(await Store.GetAsync(id, CancellationToken.None));
        Assert.Empty(await Store.SearchExchangesAsync(["axolotl"], Guid.Empty, 10, CancellationToken.None));
    }

    [SkippableFact]
    public async Task A_question_keeps_what_it_was_asked_with_and_only_its_own_words_are_remembered()
    {
        Skip.If(MissingReason is not null, MissingReason);
        var id = Guid.NewGuid();
        const string memories = "From an earlier conversation: the user's parrot is called Kiwi.";

        await Store.AppendExchangeAsync(id, "What should I feed my parrot?", "Seeds and fruit.", memories, ExchangePlace.AfterShown, details: null, CancellationToken.None);
        var begun = await Store.BeginExchangeAsync(id, "And how often?", "Web result: twice a day.", ExchangePlace.AfterShown, CancellationToken.None);
        await Store.FinishExchangeAsync(id, begun, "And how often?", "Twice a day.", MessageState.Completed, null, details: null, CancellationToken.None);
        await Store.AppendExchangeAsync(id, "Thanks!", "You're welcome.", context: null, ExchangePlace.AfterShown, details: null, CancellationToken.None);
        var messages = (await Store.GetAsync(id, CancellationToken.None))!.Messages;

        Assert.Equal([memories, null, "Web result: twice a day.", null, null, null], messages.Select(m => m.Context));
        Assert.Equal("What should I feed my parrot?", messages[0].Content);
        Assert.Empty(await Store.SearchExchangesAsync(["kiwi"], Guid.Empty, 10, CancellationToken.None));
    }

    [SkippableFact]
    public async Task A_question_keeps_the_images_it_was_sent_with_and_a_copy_of_the_conversation_keeps_them_too()
    {
        Skip.If(MissingReason is not null, MissingReason);
        var id = Guid.NewGuid();
        string[] photos = ["data:image/png;base64,iVBORw0KGgo=", "data:image/jpeg;base64,/9j/4AAQ"];

        await Store.AppendExchangeAsync(id, new AskedQuestion("What bird is this?", photos), "A robin.", context: null, ExchangePlace.AfterShown, details: null, CancellationToken.None);
        var begun = await Store.BeginExchangeAsync(id, new AskedQuestion("And this one?", [photos[1]]), context: null, ExchangePlace.AfterShown, CancellationToken.None);
        await Store.FinishExchangeAsync(id, begun, "And this one?", "A wren.", MessageState.Completed, null, details: null, CancellationToken.None);
        await Store.AppendExchangeAsync(id, "Thanks!", "You're welcome.", context: null, ExchangePlace.AfterShown, details: null, CancellationToken.None);
        var messages = (await Store.GetAsync(id, CancellationToken.None))!.Messages;
        var copy = Guid.NewGuid();
        await Store.CreateAsync(copy, "Birds", messages, shownId: null, CancellationToken.None);

        Assert.Equal([photos, null, [photos[1]], null, null, null], messages.Select(m => m.Images));
        Assert.Equal([photos, null, [photos[1]], null, null, null], (await Store.GetAsync(copy, CancellationToken.None))!.Messages.Select(m => m.Images));
        var textOnly = (await Store.GetAsync(id, withImages: false, CancellationToken.None))!.Messages;
        Assert.All(textOnly, m => Assert.Null(m.Images));
        Assert.Equal(messages.Select(m => m.Content), textOnly.Select(m => m.Content));
    }

    [SkippableFact]
    public async Task A_begun_exchange_keeps_its_question_and_ends_stopped_failed_or_completed_and_only_completed_is_remembered()
    {
        Skip.If(MissingReason is not null, MissingReason);
        var id = Guid.NewGuid();

        var stopped = await Store.BeginExchangeAsync(id, "Tell me about my gecko Ziggy", context: null, ExchangePlace.AfterShown, CancellationToken.None);
        var whileAnswering = await Store.GetAsync(id, CancellationToken.None);
        await Store.FinishExchangeAsync(id, stopped, "Tell me about my gecko Ziggy", "Ziggy is a", MessageState.Stopped, null, details: null, CancellationToken.None);
        var failed = await Store.BeginExchangeAsync(id, "And my newt Olga?", context: null, ExchangePlace.AfterShown, CancellationToken.None);
        await Store.FinishExchangeAsync(id, failed, "And my newt Olga?", string.Empty, MessageState.Failed, "The model failed.", details: null, CancellationToken.None);
        var completed = await Store.BeginExchangeAsync(id, "And my frog Pim?", context: null, ExchangePlace.AfterShown, CancellationToken.None);
        await Store.FinishExchangeAsync(id, completed, "And my frog Pim?", "Pim croaks.", MessageState.Completed, null, details: null, CancellationToken.None);
        var conversation = await Store.GetAsync(id, CancellationToken.None);

        Assert.Equal(["Tell me about my gecko Ziggy", string.Empty], whileAnswering!.Messages.Select(m => m.Content));
        Assert.Equal(MessageState.Answering, whileAnswering.Messages[1].State);
        Assert.Equal("Tell me about my gecko Ziggy", whileAnswering.Title);
        Assert.Equal(
            ["Tell me about my gecko Ziggy", "Ziggy is a", "And my newt Olga?", string.Empty, "And my frog Pim?", "Pim croaks."],
            conversation!.Messages.Select(m => m.Content));
        Assert.Equal(
            [MessageState.Completed, MessageState.Stopped, MessageState.Completed, MessageState.Failed, MessageState.Completed, MessageState.Completed],
            conversation.Messages.Select(m => m.State));
        Assert.Equal("The model failed.", conversation.Messages[3].Error);
        Assert.Null(conversation.Messages[1].Error);
        Assert.Empty(await Store.SearchExchangesAsync(["gecko"], Guid.Empty, 10, CancellationToken.None));
        Assert.Empty(await Store.SearchExchangesAsync(["newt"], Guid.Empty, 10, CancellationToken.None));
        Assert.Single(await Store.SearchExchangesAsync(["frog"], Guid.Empty, 10, CancellationToken.None));
    }
}
