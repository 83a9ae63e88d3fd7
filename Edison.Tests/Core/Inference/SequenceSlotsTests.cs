using Edison.Core.Inference;
using LLama.Native;

namespace Edison.Tests.Core.Inference;

/// <summary>Which KV sequence a prompt gets, and how much of it is read from the cache rather than again.</summary>
public sealed class SequenceSlotsTests
{
    [Fact]
    public void The_same_conversation_going_on_reads_only_its_new_tokens()
    {
        var slots = new SequenceSlots(count: 2, keep: 2);
        var (id, reused) = slots.Take(Tokens(0, 40));
        Assert.Equal(0, reused);
        Assert.Empty(slots.Release(id, Tokens(0, 60)));

        var next = slots.Take(Tokens(0, 60).Concat(Tokens(500, 20)).ToArray());

        Assert.Equal(id, next.Id);
        Assert.Equal(60, next.Reused);
    }

    [Fact]
    public void A_prompt_the_cache_holds_whole_still_reads_its_last_token_for_the_logits()
    {
        var slots = new SequenceSlots(count: 1, keep: 1);
        var (id, _) = slots.Take(Tokens(0, 40));
        slots.Release(id, Tokens(0, 40));

        Assert.Equal(39, slots.Take(Tokens(0, 40)).Reused);
    }

    [Fact]
    public void Another_conversation_sharing_only_a_system_prompt_takes_an_empty_sequence()
    {
        var slots = new SequenceSlots(count: 2, keep: 2);
        var first = slots.Take(Tokens(0, 100));
        slots.Release(first.Id, Tokens(0, 100));

        // 20 tokens in common with a conversation of 100: not the same conversation.
        var other = slots.Take(Tokens(0, 20).Concat(Tokens(900, 30)).ToArray());

        Assert.NotEqual(first.Id, other.Id);
        Assert.Equal(0, other.Reused);
    }

    [Fact]
    public void With_none_empty_the_best_shared_prefix_wins_over_the_least_recently_used()
    {
        var (slots, a, b) = TwoKeptConversations();

        var shares = slots.Take(Tokens(1000, 30).Concat(Tokens(5000, 10)).ToArray());

        Assert.Equal(b.Id, shares.Id);
        Assert.Equal(30, shares.Reused);
    }

    [Fact]
    public void A_prompt_sharing_too_little_empties_the_least_recently_used_and_reads_everything()
    {
        var (slots, a, b) = TwoKeptConversations();

        var stranger = slots.Take(Tokens(0, 3).Concat(Tokens(7000, 50)).ToArray());

        Assert.Equal(a.Id, stranger.Id);
        Assert.Equal(0, stranger.Reused);
    }

    [Fact]
    public void Keeping_more_than_allowed_empties_the_least_recently_used()
    {
        var slots = new SequenceSlots(count: 3, keep: 1);
        var a = slots.Take(Tokens(0, 50));
        var b = slots.Take(Tokens(1000, 50));
        Assert.Empty(slots.Release(a.Id, Tokens(0, 50)));

        Assert.Equal([a.Id], slots.Release(b.Id, Tokens(1000, 50)));
        Assert.Equal(0, slots.Take(Tokens(0, 60)).Reused);
    }

    [Fact]
    public void With_the_cache_off_every_finished_sequence_is_emptied()
    {
        var slots = new SequenceSlots(count: 2, keep: 0);
        var (id, _) = slots.Take(Tokens(0, 50));

        Assert.Equal([id], slots.Release(id, Tokens(0, 50)));
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

    /// <summary>Two sequences, both idle and kept: a holds tokens 0–99, b tokens 1000–1099; a was used first.</summary>
    private static (SequenceSlots Slots, (LLamaSeqId Id, int Reused) A, (LLamaSeqId Id, int Reused) B) TwoKeptConversations()
    {
        var slots = new SequenceSlots(count: 2, keep: 2);
        var a = slots.Take(Tokens(0, 100));
        var b = slots.Take(Tokens(1000, 100));
        slots.Release(a.Id, Tokens(0, 100));
        slots.Release(b.Id, Tokens(1000, 100));
        return (slots, a, b);
    }

    private static LLamaToken[] Tokens(int from, int count) =>
        Enumerable.Range(from, count).Select(t => (LLamaToken)t).ToArray();
}
