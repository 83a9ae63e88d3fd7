using LLama.Native;

namespace Edison.Core.Inference.Engine;

/// <summary>The sequence a prompt gets, how many of its first tokens need not be read, and the idle sequence whose cells it starts as a copy of, if any.</summary>
internal readonly record struct TakenSequence(LLamaSeqId Id, int Reused, LLamaSeqId? CopyOf = null)
{
    /// <summary>Makes the sequence's cells hold the prompt's first <see cref="Reused"/> tokens and nothing after them.</summary>
    public TakenSequence PrepareCells(SafeLLamaContextHandle context)
    {
        if (CopyOf is { } source)
        {
            // Each sequence has a KV stream of its own, which llama.cpp copies whole: 30-40 ms on the benchmark model,
            // against 250-360 ms to read a 70-token system prompt again.
            context.MemorySequenceRemove(Id, -1, -1);
            context.MemorySequenceCopy(source, Id, -1, -1);
        }

        context.MemorySequenceRemove(Id, Reused, -1);
        return this;
    }
}

/// <summary>
/// The KV sequences of one context and what each holds: running a request, idle with the tokens of an answer that
/// ended (the prompt cache: a request that starts with those tokens reads only what follows them), or empty. A
/// request takes the idle sequence of its own conversation going on; else an empty one, lowest id first (a batch is
/// fastest over neighbouring ids, see <see cref="DecodeLoop"/>); else the idle one used least recently, which is
/// emptied for it. A prompt that starts as another idle sequence does (a system prompt) starts as a copy of its cells.
/// </summary>
internal sealed class SequenceSlots
{
    /// <summary>Fewer tokens in common are not worth giving up another conversation's cached tokens for.</summary>
    private const int MinimumReuse = 16;

    private readonly Slot[] _slots;
    private readonly int _keep;
    private long _uses;

    /// <param name="keep">How many idle sequences keep their tokens; 0 turns the prompt cache off.</param>
    public SequenceSlots(int count, int keep)
    {
        _slots = Enumerable.Range(0, count).Select(id => new Slot((LLamaSeqId)id)).ToArray();
        _keep = keep;
    }

    public bool HasFree => _slots.Any(slot => !slot.Running);

    /// <summary>
    /// A sequence for a prompt, how many of its first tokens need not be read, and where those cells come from; the
    /// caller has <see cref="TakenSequence.PrepareCells"/> make the cells so before it feeds the rest.
    /// </summary>
    public TakenSequence Take(ReadOnlySpan<LLamaToken> prompt)
    {
        // The same conversation going on (the prompt starts with all of the prompt the sequence read, but for the last
        // token, which a question answered again reads again) reuses its sequence;
        // another that merely shares a system prompt with it takes an empty one, or the one used least recently,
        // rather than end that conversation's cache, and copies the shared start if that saves anything worth it.
        (Slot Slot, int Common)? going = null, empty = null, best = null, oldest = null;
        foreach (var slot in _slots)
        {
            if (slot.Running)
            {
                continue;
            }

            // At least one token is read again: its logits start the answer.
            int common = slot.Tokens is null ? 0 : Math.Max(0, Math.Min(CommonPrefix(slot.Tokens, prompt), prompt.Length - 1));
            var candidate = (slot, common);
            if (slot.Tokens is not null && common >= Math.Max(MinimumReuse, slot.PromptTokens - 1) && common > (going?.Common ?? -1))
            {
                going = candidate;
            }

            if (slot.Tokens is null && empty is null)
            {
                empty = candidate;
            }

            if (common >= MinimumReuse && common > (best?.Common ?? -1))
            {
                best = candidate;
            }

            if (slot.LastUsed < (oldest?.Slot.LastUsed ?? long.MaxValue))
            {
                oldest = candidate;
            }
        }

        // A start shared for what little it is (the first token, say) is read again: that much is not worth tying the
        // prompt to cells another request left.
        var pick = (going ?? empty ?? oldest!.Value).Slot;
        var source = going ?? best;
        var taken = source is { } shared
            ? new TakenSequence(pick.Id, shared.Common, shared.Slot == pick ? null : shared.Slot.Id)
            : new TakenSequence(pick.Id, 0);
        pick.Running = true;
        pick.Tokens = null;
        pick.LastUsed = ++_uses;
        return taken;
    }

    /// <summary>
    /// A sequence's answer ended: it keeps these tokens (what its cells hold, the first <paramref name="promptTokens"/>
    /// of them its prompt) for the next request, or, with nothing to keep, is empty. Returns the sequences whose cells
    /// must be emptied now: this one when it keeps nothing, or the idle one used least recently when more are kept than
    /// allowed.
    /// </summary>
    public IReadOnlyList<LLamaSeqId> Release(LLamaSeqId id, IReadOnlyList<LLamaToken>? tokens, int promptTokens)
    {
        var slot = _slots[(int)id];
        slot.Running = false;
        slot.LastUsed = ++_uses;
        slot.Tokens = _keep > 0 && tokens is { Count: > 0 } ? tokens : null;
        slot.PromptTokens = promptTokens;
        if (slot.Tokens is null)
        {
            return [id];
        }

        var kept = _slots.Where(s => !s.Running && s.Tokens is not null).ToList();
        if (kept.Count <= _keep)
        {
            return [];
        }

        var oldest = kept.MinBy(s => s.LastUsed)!;
        oldest.Tokens = null;
        return [oldest.Id];
    }

    /// <summary>How many tokens <paramref name="prompt"/> starts with that <paramref name="kept"/> starts with too.</summary>
    public static int CommonPrefix(IReadOnlyList<LLamaToken> kept, ReadOnlySpan<LLamaToken> prompt)
    {
        int length = Math.Min(kept.Count, prompt.Length);
        int common = 0;
        while (common < length && kept[common] == prompt[common])
        {
            common++;
        }

        return common;
    }

    private sealed class Slot(LLamaSeqId id)
    {
        public LLamaSeqId Id { get; } = id;

        public bool Running { get; set; }

        /// <summary>The tokens an idle sequence's cells hold, in order; null when it holds none worth keeping.</summary>
        public IReadOnlyList<LLamaToken>? Tokens { get; set; }

        /// <summary>How many of <see cref="Tokens"/> are the prompt the sequence read; the rest are its answer.</summary>
        public int PromptTokens { get; set; }

        public long LastUsed { get; set; }
    }
}
