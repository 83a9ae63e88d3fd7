using System.Runtime.CompilerServices;
using Edison.Core.Inference.Models;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Edison.Core.Inference.Engine;

/// <summary>
/// Serves many conversations at once from the loaded model: requests go to the <see cref="DecodeLoop"/> of the model
/// they run on, which decodes them together in shared batches. Up to <see cref="ModelOptions.MaxParallel"/> run at
/// once; the others wait in arrival order, at most <see cref="ModelOptions.QueueLimit"/> of them and for at most
/// <see cref="QueueOptions.MaxQueueWait"/> (past either, <see cref="EngineBusyException"/>). A request whose caller
/// gives up leaves the queue, or the next batch, at once. After a model switch the old model's loop finishes what it
/// runs, then ends and returns the model, while new requests go to the new model's loop.
/// </summary>
public sealed class BatchedGenerationEngine(
    ModelHost host,
    ISamplerFactory samplers,
    IOptions<ModelOptions> options,
    IOptions<QueueOptions> queue,
    TimeProvider time,
    ILogger<BatchedGenerationEngine> logger)
    : IGenerationEngine, IHostedService, IAsyncDisposable
{
    private readonly EngineCounters _counters = new();
    private readonly EngineLimits _limits = new(
        options.Value.MaxParallel,
        options.Value.QueueLimit,
        queue.Value.MaxQueueWait,
        options.Value.KeptSequences,
        options.Value.PromptChunkWhileStreaming,
        options.Value.DecodesApart);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private readonly Dictionary<LoadedModel, DecodeLoop> _loops = [];
    private int _disposed;

    public int ActiveGenerations => _counters.Active;

    public int QueuedGenerations => _counters.Queued;

    /// <summary>Only the current model's loop counts: a model being switched away from serves no new request.</summary>
    public bool IsSettingUp
    {
        get
        {
            var current = host.Model;
            lock (_gate)
            {
                return current is not null && _loops.TryGetValue(current, out var loop) && loop.IsSettingUp;
            }
        }
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GenerateAsync(GenerationRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // A caller that formatted the prompt for a model holds a lease on it; others get the current one.
        using var owned = request.Lease is null ? await host.AcquireAsync(cancellationToken) : null;
        var lease = request.Lease ?? owned!;
        if (!_counters.TryQueue(_limits.QueueLimit))
        {
            throw new EngineBusyException(
                $"Edison is busy: {_limits.QueueLimit} requests are already waiting for their turn; try again in a few seconds.",
                EngineLimits.RetryAfter);
        }

        var job = new GenerationJob(request, cancellationToken, time.GetTimestamp());
        Post(lease, job);
        try
        {
            // Checked per piece: text the loop wrote ahead must not reach a caller that has already stopped.
            var output = job.Output.Reader;
            while (await output.WaitToReadAsync(cancellationToken))
            {
                while (output.TryRead(out var piece))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    yield return piece;
                }
            }

            cancellationToken.ThrowIfCancellationRequested();
        }
        finally
        {
            // The loop drops an abandoned job before its next batch.
            job.Abandon();
        }
    }

    /// <summary>Starts the current model's loop as soon as the model is loaded, so the first answer does not wait for its context.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        host.Changed += OnModelChanged;
        OnModelChanged();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Idempotent: the container disposes the engine once for each service it is registered as.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        host.Changed -= OnModelChanged;
        await _stopping.CancelAsync();
        Task[] ending;
        lock (_gate)
        {
            ending = [.. _loops.Values.Select(loop => loop.Completion)];
        }

        await Task.WhenAll(ending).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stopping.Dispose();
    }

    /// <summary>A new model is current: the others' loops look whether they may end, and the new one's starts.</summary>
    private void OnModelChanged()
    {
        using var current = host.Acquire();
        lock (_gate)
        {
            foreach (var loop in _loops.Values)
            {
                loop.Wake();
            }

            if (current is not null && !_stopping.IsCancellationRequested)
            {
                LoopFor(current);
            }
        }
    }

    private void Post(ModelLease lease, GenerationJob job)
    {
        lock (_gate)
        {
            if (_stopping.IsCancellationRequested || !LoopFor(lease).TryPost(job))
            {
                _counters.LeftQueue();
                job.Output.Writer.TryComplete(new OperationCanceledException("Edison is shutting down."));
            }
        }
    }

    /// <summary>The running loop of the lease's model, started (with a lease of its own) when there is none.</summary>
    private DecodeLoop LoopFor(ModelLease lease)
    {
        if (!_loops.TryGetValue(lease.Model, out var loop))
        {
            loop = new DecodeLoop(lease.Share(), samplers, _counters, _limits, time, logger, MayEnd, Ended, _stopping.Token);
            _loops.Add(lease.Model, loop);
            loop.Start();
        }

        return loop;
    }

    /// <summary>An idle loop may end once its model is no longer current and nothing was posted to it meanwhile.</summary>
    private bool MayEnd(DecodeLoop loop)
    {
        lock (_gate)
        {
            if (ReferenceEquals(host.Model, loop.Model) && !_stopping.IsCancellationRequested || loop.HasArrivals)
            {
                return false;
            }

            Forget(loop);
            return true;
        }
    }

    private void Ended(DecodeLoop loop)
    {
        lock (_gate)
        {
            Forget(loop);
        }
    }

    private void Forget(DecodeLoop loop)
    {
        if (_loops.TryGetValue(loop.Model, out var mapped) && ReferenceEquals(mapped, loop))
        {
            _loops.Remove(loop.Model);
        }

        loop.Close();
    }
}
