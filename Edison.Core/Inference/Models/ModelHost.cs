using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Edison.Core.Inference.Models;

/// <summary>
/// The one model Edison serves: loaded in the background at start-up, shared by every user through leases, and
/// switched live to another GGUF. A switch serves the new model to every request that starts after it, lets the
/// requests still running on the old one finish there, and frees the old one when its last lease is returned. A
/// configured file that cannot be served stops the application with one line naming the file and the problem.
/// </summary>
public sealed class ModelHost(
    IOptions<ModelOptions> modelOptions,
    IOptions<EdisonOptions> edisonOptions,
    ModelSelection selection,
    ModelLoader loader,
    IHostApplicationLifetime lifetime,
    ILogger<ModelHost> logger) : IChatModelSource, IDisposable
{
    private readonly TaskCompletionSource _firstLoaded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _switching = new(1, 1);
    private volatile SharedModel? _current;
    private volatile string? _failure;

    /// <summary>Raised after a model was loaded or switched to; may be raised on any thread.</summary>
    public event Action? Changed;

    public ModelState State => _current is not null ? ModelState.Ready : _failure is not null ? ModelState.Failed : ModelState.Loading;

    /// <summary>The current model, to read what it is (name, context). To use it, take a lease.</summary>
    public LoadedModel? Model => _current?.Model;

    public string? Failure => _failure;

    IChatModel? IChatModelSource.Model => Model;

    /// <summary>Starts loading the configured model (or the demo model) in the background; called once by the hosted loader.</summary>
    public void StartLoading(CancellationToken cancellationToken) => _ = Task.Run(() => LoadFirstAsync(cancellationToken), CancellationToken.None);

    /// <summary>A lease on the current model, or null while none is loaded.</summary>
    public ModelLease? Acquire()
    {
        // A switch may retire the model between reading it and leasing it; then the new one is current.
        while (_current is { } current)
        {
            if (current.Lease() is { } lease)
            {
                return lease;
            }
        }

        return null;
    }

    /// <summary>A lease on the current model once one is loaded.</summary>
    public async Task<ModelLease> AcquireAsync(CancellationToken cancellationToken)
    {
        await _firstLoaded.Task.WaitAsync(cancellationToken);
        return Acquire() ?? throw new InvalidOperationException("No model is loaded.");
    }

    IModelLease? IChatModelSource.Acquire() => Acquire();

    /// <summary>The current model once one is loaded, to read what it is; to use it, take a lease.</summary>
    public async Task<LoadedModel> WhenReadyAsync(CancellationToken cancellationToken)
    {
        await _firstLoaded.Task.WaitAsync(cancellationToken);
        return Model!;
    }

    async Task<IChatModel> IChatModelSource.WhenModelReadyAsync(CancellationToken cancellationToken) => await WhenReadyAsync(cancellationToken);

    /// <summary>
    /// Loads another GGUF and serves it from now on. The current model answers until the new one has loaded and
    /// finishes what it is writing; a file that cannot be loaded leaves it in place and throws
    /// <see cref="ModelFileException"/>.
    /// </summary>
    public async Task<LoadedModel> SwitchAsync(string path, CancellationToken cancellationToken)
    {
        await _switching.WaitAsync(cancellationToken);
        try
        {
            var loaded = await loader.LoadAsync(path, isDemo: false, cancellationToken);
            var previous = _current;
            _current = new SharedModel(loaded);
            Changed?.Invoke();
            if (previous is not null)
            {
                await previous.RetireAsync();
            }

            return loaded;
        }
        finally
        {
            _switching.Release();
        }
    }

    public void Dispose()
    {
        _current?.RetireAsync();
        _switching.Dispose();
    }

    private async Task LoadFirstAsync(CancellationToken cancellationToken)
    {
        var chosen = string.IsNullOrWhiteSpace(modelOptions.Value.Path) ? selection.SelectedPath : modelOptions.Value.Path;
        bool isDemo = string.IsNullOrWhiteSpace(chosen);
        try
        {
            var path = isDemo ? DemoModel.WriteTo(edisonOptions.Value.DataPath) : chosen!;
            _current = new SharedModel(await loader.LoadAsync(path, isDemo, cancellationToken));
            _firstLoaded.TrySetResult();
            Changed?.Invoke();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            _firstLoaded.TrySetCanceled(cancellationToken);
        }
        catch (ModelFileException e)
        {
            Fail(e);
        }
        catch (Exception e)
        {
            logger.LogError(e, "Loading the model failed");
            Fail(new InvalidOperationException($"Edison could not start its model: {e.Message}"));
        }
    }

    /// <summary>Never a silent fallback: a model that cannot be served stops Edison with one line saying why.</summary>
    private void Fail(Exception failure)
    {
        _failure = failure.Message;
        logger.LogCritical("{Failure}", failure.Message);

        // Stopping while other services are still starting would fail their start-up with unrelated errors. Asked
        // before the failure is published, so whoever sees the failure also sees Edison stopping.
        lifetime.ApplicationStarted.Register(lifetime.StopApplication);
        _firstLoaded.TrySetException(failure);
    }
}
