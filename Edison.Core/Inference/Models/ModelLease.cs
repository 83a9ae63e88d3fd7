namespace Edison.Core.Inference.Models;

/// <summary>
/// The right to use one loaded model until disposed: whoever reads, tokenises or decodes with a model holds a lease,
/// so a model switched away from is freed only once its last user has let go.
/// </summary>
public interface IModelLease : IDisposable
{
    IChatModel Model { get; }
}

/// <summary>A lease on a model loaded here; see <see cref="SharedModel"/>.</summary>
public sealed class ModelLease : IModelLease
{
    private readonly SharedModel _shared;
    private int _released;

    internal ModelLease(SharedModel shared) => _shared = shared;

    public LoadedModel Model => _shared.Model;

    IChatModel IModelLease.Model => _shared.Model;

    /// <summary>Another lease on the same model, for a user that lives longer than this one (a decode loop).</summary>
    public ModelLease Share() => _shared.Lease() ?? throw new InvalidOperationException("The model is already freed.");

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            _shared.Release();
        }
    }
}

/// <summary>
/// One loaded model and how many leases are out on it. Retired (switched away from), it is disposed when the last
/// lease is returned; until then every holder keeps using it.
/// </summary>
public sealed class SharedModel(LoadedModel model)
{
    private readonly TaskCompletionSource _freed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _gate = new();
    private int _leases;
    private bool _retired;

    public LoadedModel Model { get; } = model;

    /// <summary>Completes once the model is retired and its last lease returned, after it was disposed.</summary>
    public Task Freed => _freed.Task;

    /// <summary>A lease, or null when the model is retired and already freed.</summary>
    public ModelLease? Lease()
    {
        lock (_gate)
        {
            if (_retired && _leases == 0)
            {
                return null;
            }

            _leases++;
            return new ModelLease(this);
        }
    }

    /// <summary>No new users from now on (the current leases may still share); frees the model when none is left.</summary>
    public Task RetireAsync()
    {
        lock (_gate)
        {
            _retired = true;
            if (_leases > 0)
            {
                return Freed;
            }
        }

        Free();
        return Freed;
    }

    internal void Release()
    {
        lock (_gate)
        {
            if (--_leases > 0 || !_retired)
            {
                return;
            }
        }

        Free();
    }

    private void Free()
    {
        Model.Dispose();
        _freed.TrySetResult();
    }
}
