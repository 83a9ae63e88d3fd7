using LLama;
using LLama.Common;
using LLama.Native;
using Edison.Core.Llama.Gguf;
using Edison.Core.Models;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Edison.Core.Llama;

/// <summary>
/// Loads the one model in the background at start-up and shares it with every caller. A configured file that is
/// missing, unreadable or not GGUF, or one llama.cpp rejects, stops the application with one line naming the file
/// and the problem.
/// </summary>
public sealed class ModelHost(
    IOptions<ModelOptions> modelOptions,
    IOptions<EdisonOptions> edisonOptions,
    ModelSelection selection,
    IHostApplicationLifetime lifetime,
    ILogger<ModelHost> logger,
    ILoggerFactory loggerFactory) : BackgroundService, IChatModelSource
{
    private readonly TaskCompletionSource<LoadedModel> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ModelOptions _options = modelOptions.Value;
    private readonly int _threads = modelOptions.Value.GenerationThreads();
    private readonly List<string> _nativeErrors = [];
    private volatile LoadedModel? _model;
    private volatile string? _failure;
    private volatile bool _loading;
    private readonly SemaphoreSlim _switching = new(1, 1);

    public ModelState State => _model is not null ? ModelState.Ready : _failure is not null ? ModelState.Failed : ModelState.Loading;

    public LoadedModel? Model => _model;

    public string? Failure => _failure;

    public Task<LoadedModel> WhenReadyAsync(CancellationToken cancellationToken) => _ready.Task.WaitAsync(cancellationToken);

    IChatModel? IChatModelSource.Model => _model;

    async Task<IChatModel> IChatModelSource.WhenModelReadyAsync(CancellationToken cancellationToken) => await WhenReadyAsync(cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        var chosen = string.IsNullOrWhiteSpace(_options.Path) ? selection.SelectedPath : _options.Path;
        bool isDemo = string.IsNullOrWhiteSpace(chosen);
        string path = isDemo ? WriteDemoModel() : chosen!;
        try
        {
            RouteNativeLog();
            _model = await LoadAsync(path, isDemo, stoppingToken);
            _ready.TrySetResult(_model);
            Changed?.Invoke();
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            _ready.TrySetCanceled(stoppingToken);
        }
        catch (ModelFileException e)
        {
            Fail(e);
        }
    }

    /// <summary>Raised after a model was loaded or switched to; may be raised on any thread.</summary>
    public event Action? Changed;

    /// <summary>
    /// Run before the old model is released on a switch, after the new one is in place: the engine ends its loop on
    /// the old weights here.
    /// </summary>
    public Func<Task>? BeforeRelease { get; set; }

    /// <summary>
    /// Loads another GGUF and serves it instead of the current model. The current one answers until the new one has
    /// loaded; a file that cannot be loaded leaves it in place and throws <see cref="ModelFileException"/>.
    /// </summary>
    public async Task<LoadedModel> SwitchAsync(string path, CancellationToken cancellationToken)
    {
        await _switching.WaitAsync(cancellationToken);
        try
        {
            lock (_nativeErrors)
            {
                _nativeErrors.Clear();
            }

            var loaded = await LoadAsync(path, isDemo: false, cancellationToken);
            var previous = _model;
            _model = loaded;
            if (BeforeRelease is { } release)
            {
                await release();
            }

            previous?.Dispose();
            Changed?.Invoke();
            return loaded;
        }
        finally
        {
            _switching.Release();
        }
    }

    private async Task<LoadedModel> LoadAsync(string path, bool isDemo, CancellationToken cancellationToken)
    {
        _loading = true;
        try
        {
            ModelFileCheck.Validate(path);
            var parameters = new ModelParams(path)
            {
                ContextSize = (uint)_options.ContextSize,
                GpuLayerCount = _options.GpuLayerCount,
                BatchSize = (uint)_options.BatchSize,
                Threads = _threads,
                BatchThreads = _threads,
                FlashAttention = _options.UsesFlashAttention,
            };
            var started = TimeProvider.System.GetTimestamp();
            var weights = await LLamaWeights.LoadFromFileAsync(parameters, cancellationToken);
            if (weights.ContextSize > 0 && parameters.ContextSize > (uint)weights.ContextSize)
            {
                // Past its training length a model degrades into noise; use what it was trained for.
                logger.LogInformation(
                    "Edison:Model:ContextSize {Configured} is larger than the model's training context; using {Trained}",
                    parameters.ContextSize,
                    weights.ContextSize);
                parameters.ContextSize = (uint)weights.ContextSize;
            }

            string name = isDemo ? DemoModel.Name : Path.GetFileNameWithoutExtension(path);
            var vision = await LoadProjectorAsync(weights, cancellationToken);
            var model = new LoadedModel(weights, parameters, name, isDemo, vision) { LoadedAt = TimeProvider.System.GetUtcNow() };
            logger.LogInformation(
                "Model {Name} loaded from {Path} in {Elapsed:F0} ms{Demo}; generating on {Threads} threads",
                name,
                path,
                TimeProvider.System.GetElapsedTime(started).TotalMilliseconds,
                isDemo ? " (built-in demo model)" : string.Empty,
                parameters.Threads);
            return model;
        }
        catch (Exception e) when (e is not (OperationCanceledException or ModelFileException))
        {
            string detail;
            lock (_nativeErrors)
            {
                detail = _nativeErrors.Count > 0 ? string.Join("; ", _nativeErrors) : e.Message;
            }

            throw new ModelFileException(path, $"llama.cpp could not load it: {detail}");
        }
        finally
        {
            _loading = false;
        }
    }

    /// <summary>Loads <see cref="ModelOptions.MultimodalProjectorPath"/> when it is set; a projector that cannot see is refused.</summary>
    private async Task<MtmdWeights?> LoadProjectorAsync(LLamaWeights weights, CancellationToken cancellationToken)
    {
        var path = _options.MultimodalProjectorPath;
        if (string.IsNullOrWhiteSpace(path))
        {
            return null;
        }

        const string setting = ModelFileException.ProjectorPathSetting;
        ModelFileCheck.Validate(path, setting);
        var parameters = MtmdContextParams.Default();
        parameters.UseGpu = _options.GpuLayerCount > 0;
        parameters.NThreads = _threads;
        parameters.Warmup = false;
        parameters.FlashAttentionType = _options.UsesFlashAttention switch
        {
            true => LLamaFlashAttentionType.LLAMA_FLASH_ATTENTION_TYPE_ENABLED,
            false => LLamaFlashAttentionType.LLAMA_FLASH_ATTENTION_TYPE_DISABLED,
            null => LLamaFlashAttentionType.LLAMA_FLASH_ATTENTION_TYPE_AUTO,
        };
        MtmdWeights vision;
        try
        {
            vision = await MtmdWeights.LoadFromFileAsync(path, weights, parameters, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            weights.Dispose();
            string detail;
            lock (_nativeErrors)
            {
                detail = _nativeErrors.Count > 0 ? string.Join("; ", _nativeErrors) : e.Message;
            }

            throw new ModelFileException(path, $"llama.cpp could not load it as a multimodal projector for this model: {detail}", setting);
        }

        if (!vision.SupportsVision)
        {
            vision.Dispose();
            weights.Dispose();
            throw new ModelFileException(path, "is a multimodal projector without vision (Edison only sends it images)", setting);
        }

        return vision;
    }

    /// <summary>Never a silent fallback: a model that cannot be served stops Edison with one line saying why.</summary>
    private void Fail(ModelFileException failure)
    {
        _failure = failure.Message;
        logger.LogCritical("{Failure}", failure.Message);

        // Stopping while other services are still starting would fail their start-up with unrelated errors. Asked
        // before the failure is published, so whoever sees the failure also sees Edison stopping.
        lifetime.ApplicationStarted.Register(lifetime.StopApplication);
        _ready.TrySetException(failure);
    }

    public override void Dispose()
    {
        _model?.Dispose();
        base.Dispose();
    }

    private string WriteDemoModel()
    {
        var path = Path.Combine(edisonOptions.Value.DataPath, "models", DemoModel.Name + ".gguf");
        ScriptedModelWriter.Write(DemoModel.Spec, path);
        return path;
    }

    /// <summary>
    /// llama.cpp's log is process-wide; it goes to the "LLama.Native" category, and while loading its errors are
    /// kept, because they say why a file was rejected where LLamaSharp's exception does not.
    /// </summary>
    private void RouteNativeLog()
    {
        var native = loggerFactory.CreateLogger("LLama.Native");
        NativeLogConfig.llama_log_set((level, message) =>
        {
            message = message.TrimEnd();
            switch (level)
            {
                case LLamaLogLevel.Error:
                    native.LogError("{Message}", message);
                    if (_loading)
                    {
                        lock (_nativeErrors)
                        {
                            _nativeErrors.Add(message);
                        }
                    }

                    break;
                case LLamaLogLevel.Warning:
                    native.LogWarning("{Message}", message);
                    break;
                case LLamaLogLevel.Info:
                    native.LogDebug("{Message}", message);
                    break;
                default:
                    native.LogTrace("{Message}", message);
                    break;
            }
        });
    }
}
