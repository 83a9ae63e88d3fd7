using LLama.Native;

namespace Edison.Core.Llama;

/// <summary>
/// The sequences being decoded, in id order (the order a batch takes them in), and the ids free for new ones, lowest
/// first, so that running sequences hold neighbouring ids: with a KV cache per sequence, llama.cpp computes a batch
/// in one pass only over sequences whose ids follow each other (see <see cref="DecodeLoop"/>).
/// </summary>
internal sealed class RunningSequences(int capacity)
{
    private readonly List<Sequence> _sequences = [];
    private readonly PriorityQueue<int, int> _freeIds = new(Enumerable.Range(0, capacity).Select(id => (id, id)));
    private long _admissions;

    public int Count => _sequences.Count;

    public bool HasFreeId => _freeIds.Count > 0;

    /// <summary>The sequence admitted last.</summary>
    public Sequence Newest => _sequences.MaxBy(sequence => sequence.Admitted)!;

    public LLamaSeqId TakeId() => (LLamaSeqId)_freeIds.Dequeue();

    /// <summary>Frees a finished sequence's id; the sequence itself leaves at the next <see cref="RemoveFinished"/>.</summary>
    public void ReleaseId(LLamaSeqId id) => _freeIds.Enqueue((int)id, (int)id);

    public void Add(Sequence sequence)
    {
        sequence.Admitted = _admissions++;
        int at = _sequences.FindIndex(other => other.Id.Value > sequence.Id.Value);
        _sequences.Insert(at < 0 ? _sequences.Count : at, sequence);
    }

    public void RemoveFinished() => _sequences.RemoveAll(sequence => sequence.Finished);

    public List<Sequence>.Enumerator GetEnumerator() => _sequences.GetEnumerator();
}
