namespace Edison.Core.Inference.Engine;

/// <summary>
/// The sequences being decoded, in id order: the order a batch takes them in (llama.cpp computes a batch in one pass
/// only over sequences whose ids follow each other, see <see cref="DecodeLoop"/>).
/// </summary>
internal sealed class RunningSequences
{
    private readonly List<Sequence> _sequences = [];
    private long _admissions;

    public int Count => _sequences.Count;

    public IReadOnlyList<Sequence> All => _sequences;

    /// <summary>How many have read their prompt and are streaming their answer.</summary>
    public int Streaming => _sequences.Count(sequence => sequence.PromptRemaining == 0);

    /// <summary>The sequence admitted last.</summary>
    public Sequence Newest => _sequences.MaxBy(sequence => sequence.Admitted)!;

    public void Add(Sequence sequence)
    {
        sequence.Admitted = _admissions++;
        int at = _sequences.FindIndex(other => other.Id.Value > sequence.Id.Value);
        _sequences.Insert(at < 0 ? _sequences.Count : at, sequence);
    }

    public void RemoveFinished() => _sequences.RemoveAll(sequence => sequence.Finished);

    public List<Sequence>.Enumerator GetEnumerator() => _sequences.GetEnumerator();
}
