using Edison.Core.Inference.Engine;
using LLama.Native;

namespace Edison.Tests.Core.Inference;

/// <summary>Which KV sequence a prompt gets, and how much of it is read from the cache rather than again.</summary>
public sealed class SequenceSlotsTests
{
    [Fact]
    public void The_same_conversation_going_on_reads_only_its_new_tokens()
    {
        var slots = new SequenceSlots(count: 2, keep: 2);
        var (id, reused, _) = slots.Take(Tokens(0, 40));
        Assert.Equal(0, reused);
        Assert.Empty(slots.Release(id, Tokens(0, 60), promptTokens: 40));

        var next = slots.Take(Tokens(0, 60).Concat(Tokens(500, 20)).ToArray());

        Assert.Equal(id, next.Id);
        Assert.Equal(60, next.Reused);
    }

    [Fact]
    public void A_prompt_the_cache_holds_whole_still_reads_its_last_token_for_the_logits()
    {
        var slots = new SequenceSlots(count: 1, keep: 1);
        var (id, _, _) = slots.Take(Tokens(0, 40));
        slots.Release(id, Tokens(0, 40), promptTokens: 40);

        Assert.Equal(39, slots.Take(Tokens(0, 40)).Reused);
    }

    [Fact]
    public void Another_conversation_sharing_only_a_system_prompt_takes_an_empty_sequence_with_a_copy_of_that_start()
    {
        var slots = new SequenceSlots(count: 2, keep: 2);
        var first = slots.Take(Tokens(0, 100));
        slots.Release(first.Id, Tokens(0, 100), promptTokens: 80);

        // 20 tokens in common with a conversation of 100: not the same conversation.
        var other = slots.Take(Tokens(0, 20).Concat(Tokens(900, 30)).ToArray());

        Assert.NotEqual(first.Id, other.Id);
        Assert.Equal((20, first.Id), (other.Reused, other.CopyOf));

        // The first conversation's cells are whole: its next turn reads only what is new.
        Assert.Equal(new TakenSequence(first.Id, 100), slots.Take(Tokens(0, 100).Concat(Tokens(2000, 5)).ToArray()));
    }

    [Fact]
    public void A_new_conversation_sharing_most_of_a_short_ones_cells_is_not_taken_for_it()
    {
        var slots = new SequenceSlots(count: 2, keep: 2);
        var first = slots.Take(Tokens(0, 60));
        slots.Release(first.Id, [.. Tokens(0, 60), .. Tokens(3000, 10)], promptTokens: 60);

        // A system prompt of 50 tokens is most of what the first conversation holds, but it asked something else.
        var other = slots.Take([.. Tokens(0, 50), .. Tokens(900, 10)]);

        Assert.Equal(new TakenSequence((LLamaSeqId)1, 50, CopyOf: first.Id), other);
    }

    [Fact]
    public void A_question_answered_again_reuses_its_conversations_sequence()
    {
        var slots = new SequenceSlots(count: 2, keep: 2);
        var first = slots.Take(Tokens(0, 60));
        slots.Release(first.Id, [.. Tokens(0, 60), .. Tokens(3000, 10)], promptTokens: 60);

        Assert.Equal(new TakenSequence(first.Id, 59), slots.Take(Tokens(0, 60)));
    }

    [Fact]
    public void With_none_empty_the_least_recently_used_gives_way_to_a_copy_of_the_best_shared_start()
    {
        var (slots, a, b) = TwoKeptConversations();

        var shares = slots.Take(Tokens(1000, 30).Concat(Tokens(5000, 10)).ToArray());

        Assert.Equal(a.Id, shares.Id);
        Assert.Equal((30, b.Id), (shares.Reused, shares.CopyOf));
    }

    [Fact]
    public void A_shared_start_held_by_the_least_recently_used_is_reused_in_place()
    {
        var (slots, a, _) = TwoKeptConversations();

        var shares = slots.Take(Tokens(0, 30).Concat(Tokens(5000, 10)).ToArray());

        Assert.Equal(new TakenSequence(a.Id, 30), shares);
    }

    [Fact]
    public void A_prompt_sharing_too_little_empties_the_least_recently_used_and_reads_everything()
    {
        var (slots, a, b) = TwoKeptConversations();

        var stranger = slots.Take(Tokens(0, 3).Concat(Tokens(7000, 50)).ToArray());

        Assert.Equal(new TakenSequence(a.Id, 0), stranger);
    }

    [Fact]
    public void Keeping_more_than_allowed_empties_the_least_recently_used()
    {
        var slots = new SequenceSlots(count: 3, keep: 1);
        var a = slots.Take(Tokens(0, 50));
        var b = slots.Take(Tokens(1000, 50));
        Assert.Empty(slots.Release(a.Id, Tokens(0, 50), promptTokens: 50));

        Assert.Equal([a.Id], slots.Release(b.Id, Tokens(1000, 50), promptTokens: 50));
        Assert.Equal(0, slots.Take(Tokens(0, 60)).Reused);
    }

    [Fact]
    public void With_the_cache_off_every_finished_sequence_is_emptied()
    {
        var slots = new SequenceSlots(count: 2, keep: 0);
        var (id, _, _) = slots.Take(Tokens(0, 50));

        Assert.Equal([id], slots.Release(id, Tokens(0, 50), promptTokens: 50));
        Assert.Equal(0, slots.Take(Tokens(0, 60)).Reused);
    }

    [Fact]
    public void Running_sequences_are_never_handed_out_twice()
    {
        var slots = new SequenceSlots(count: 2, keep: 2);
        var a = slots.Take(Tokens(0, 10));
        var b = slots.Take(Tokens(0, 10));

        Assert.NotEqual(a.Id, b.Id);
        Assert.False(slots.HasFree);
    }

    /// <summary>Two sequences, both idle and kept: a holds tokens 0–99, b tokens 1000–1099 (80 of prompt, 20 of answer each); a was used first.</summary>
    private static (SequenceSlots Slots, TakenSequence A, TakenSequence B) TwoKeptConversations()
    {
        var slots = new SequenceSlots(count: 2, keep: 2);
        var a = slots.Take(Tokens(0, 100));
        var b = slots.Take(Tokens(1000, 100));
        slots.Release(a.Id, Tokens(0, 100), promptTokens: 80);
        slots.Release(b.Id, Tokens(1000, 100), promptTokens: 80);
        return (slots, a, b);
    }

    private static LLamaToken[] Tokens(int from, int count) =>
        Enumerable.Range(from, count).Select(t => (LLamaToken)t).ToArray();
}
