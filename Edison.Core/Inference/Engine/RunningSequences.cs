namespace Edison.Core.Inference.Engine;

/// <summary>
/// The sequences being decoded, in id order: the order a batch takes them in (llama.cpp computes a batch in one pass
/// only over sequences whose ids follow each other, see <see cref="DecodeLoop"/>).
/// </summary>
internal sealed class RunningSequences
{
    private readonly List<Sequence> _sequences = [];
    private readonly List<Sequence> _next = [];
    private long _admissions;

    public int Count => _sequences.Count;

    public IReadOnlyList<Sequence> All => _sequences;

    /// <summary>How many have read their prompt and are streaming their answer.</summary>
    public int Streaming => _sequences.Count(sequence => sequence.PromptRemaining == 0);

    /// <summary>Whether a sequence rewrites its cells (see <see cref="Sequence.RewritesCells"/>), or will from the next step.</summary>
    public bool RewritesCells => _sequences.Any(sequence => sequence.RewritesCells && !sequence.Finished) || _next.Count > 0;

    /// <summary>The sequence admitted last.</summary>
    public Sequence Newest => _sequences.MaxBy(sequence => sequence.Admitted)!;

    public void Add(Sequence sequence)
    {
        sequence.Admitted = _admissions++;
        int at = _sequences.FindIndex(other => other.Id.Value > sequence.Id.Value);
        _sequences.Insert(at < 0 ? _sequences.Count : at, sequence);
    }

    /// <summary>Adds a sequence once the step being decoded is over (it may be taking the place of one that ends in it).</summary>
    public void AddAfterStep(Sequence sequence) => _next.Add(sequence);

    /// <summary>The step is over: the sequences that finished in it leave, those added during it join.</summary>
    public void EndStep()
    {
        _sequences.RemoveAll(sequence => sequence.Finished);
        foreach (var sequence in _next)
        {
            Add(sequence);
        }

        _next.Clear();
    }

    public List<Sequence>.Enumerator GetEnumerator() => _sequences.GetEnumerator();
}
