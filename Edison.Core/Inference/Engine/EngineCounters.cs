namespace Edison.Core.Inference.Engine;

/// <summary>The engine's counts of generations waiting and running, kept in one place for every loop.</summary>
internal sealed class EngineCounters
{
    private int _queued;
    private int _active;

    public int Queued => Volatile.Read(ref _queued);

    public int Active => Volatile.Read(ref _active);

    /// <summary>Takes a place in the queue unless <paramref name="limit"/> requests already wait.</summary>
    public bool TryQueue(int limit)
    {
        while (true)
        {
            int queued = Volatile.Read(ref _queued);
            if (queued >= limit)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _queued, queued + 1, queued) == queued)
            {
                return true;
            }
        }
    }

    /// <summary>A request left the queue without running (its caller left, it waited too long, it failed to start).</summary>
    public void LeftQueue() => Interlocked.Decrement(ref _queued);

    /// <summary>A request left the queue and runs now.</summary>
    public void Started()
    {
        Interlocked.Decrement(ref _queued);
        Interlocked.Increment(ref _active);
    }

    public void Ended() => Interlocked.Decrement(ref _active);
}
