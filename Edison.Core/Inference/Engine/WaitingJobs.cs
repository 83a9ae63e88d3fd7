using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Edison.Core.Inference.Engine;

/// <summary>
/// The requests a decode loop has been given and not started yet: they arrive through a channel from any thread and
/// wait, oldest first, on the loop's thread until a sequence is free, their caller leaves, or they have waited too long.
/// </summary>
internal sealed class WaitingJobs(EngineCounters counters, EngineLimits limits, TimeProvider time, ILogger logger)
{
    private readonly Channel<GenerationJob?> _arrivals = Channel.CreateUnbounded<GenerationJob?>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Queue<GenerationJob> _waiting = new();

    /// <summary>False once the loop has ended: the job must go to another loop.</summary>
    public bool TryPost(GenerationJob job) => _arrivals.Writer.TryWrite(job);

    /// <summary>Makes an idle loop look again whether it may end (after a switch, at shut-down).</summary>
    public void Wake() => _arrivals.Writer.TryWrite(null);

    /// <summary>Whether jobs have arrived that the loop has not taken yet.</summary>
    public bool HasArrivals => _arrivals.Reader.Count > 0;

    /// <summary>No more jobs.</summary>
    public void Close() => _arrivals.Writer.TryComplete();

    /// <summary>Whether no job waits, once the arrivals are taken in.</summary>
    public bool IsEmpty => _waiting.Count == 0;

    /// <summary>Blocks the loop's thread until something arrives; false once no more can.</summary>
    public bool WaitForArrival(CancellationToken cancellationToken) =>
        _arrivals.Reader.WaitToReadAsync(cancellationToken).AsTask().GetAwaiter().GetResult();

    /// <summary>
    /// Takes in what arrived, then starts waiting jobs, oldest first, while <paramref name="hasRoom"/> says a sequence
    /// is free; drops those whose caller left and turns away those that waited too long. A job that cannot be started
    /// fails alone.
    /// </summary>
    public void Admit(Func<bool> hasRoom, Action<GenerationJob> start)
    {
        TakeArrivals();
        int pending = _waiting.Count;
        for (int i = 0; i < pending; i++)
        {
            var job = _waiting.Dequeue();
            if (job.IsAbandoned)
            {
                counters.LeftQueue();
                job.Output.Writer.TryComplete();
            }
            else if (!hasRoom())
            {
                if (time.GetElapsedTime(job.Enqueued) > limits.MaxQueueWait)
                {
                    counters.LeftQueue();
                    job.Output.Writer.TryComplete(new EngineBusyException(
                        $"Edison is busy: this request waited {limits.MaxQueueWait.TotalSeconds:0} s for its turn; try again in a few seconds.",
                        EngineLimits.RetryAfter));
                }
                else
                {
                    _waiting.Enqueue(job);
                }
            }
            else
            {
                TryStart(job, start);
            }
        }
    }

    /// <summary>The loop is over and <see cref="Close"/>d: every job still waiting or arrived ends with the reason.</summary>
    public void FailAll(Exception reason)
    {
        TakeArrivals();
        while (_waiting.TryDequeue(out var job))
        {
            counters.LeftQueue();
            job.Output.Writer.TryComplete(reason);
        }
    }

    private void TryStart(GenerationJob job, Action<GenerationJob> start)
    {
        try
        {
            start(job);
        }
        catch (Exception e)
        {
            logger.LogError(e, "A generation could not be started");
            counters.LeftQueue();
            job.Output.Writer.TryComplete(e);
        }
    }

    private void TakeArrivals()
    {
        while (_arrivals.Reader.TryRead(out var arrived))
        {
            if (arrived is not null)
            {
                _waiting.Enqueue(arrived);
            }
        }
    }
}
