namespace Edison.Core.Chat;

/// <summary>
/// How long a model thinks: from its first thought to its answer's first word, or to now while it has not answered.
/// Not thread-safe: its owner reads and moves it under its own lock.
/// </summary>
public sealed class ThinkingClock(TimeProvider time)
{
    private long _since;
    private TimeSpan? _thoughtFor;

    /// <summary>Null until the model thinks.</summary>
    public TimeSpan? Elapsed => _since == 0 ? null : _thoughtFor ?? time.GetElapsedTime(_since);

    /// <summary>The model thought: the clock starts, if this is its first thought.</summary>
    public void Thought()
    {
        if (_since == 0)
        {
            _since = time.GetTimestamp();
        }
    }

    /// <summary>The answer started (or ended): the clock stops, if it runs; thinking again later does not restart it.</summary>
    public void Answered() => _thoughtFor ??= _since == 0 ? null : time.GetElapsedTime(_since);
}
