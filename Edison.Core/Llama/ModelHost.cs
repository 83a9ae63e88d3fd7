using LLama;
using LLama.Common;
using LLama.Native;
using Edison.Core.Llama.Gguf;
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
    IHostApplicationLifetime lifetime,
    ILogger<ModelHost> logger,
    ILoggerFactory loggerFactory) : BackgroundService
{
    private readonly TaskCompletionSource<LoadedModel> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ModelOptions _options = modelOptions.Value;
    private readonly List<string> _nativeErrors = [];
    private volatile LoadedModel? _model;
    private volatile string? _failure;

    public ModelState State => _model is not null ? ModelState.Ready : _failure is not null ? ModelState.Failed : ModelState.Loading;

    public LoadedModel? Model => _model;

    public string? Failure => _failure;

    public Task<LoadedModel> WhenReadyAsync(CancellationToken cancellationToken) => _ready.Task.WaitAsync(cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        bool isDemo = string.IsNullOrWhiteSpace(_options.Path);
        string path = isDemo ? WriteDemoModel() : _options.Path!;
        try
        {
            ModelFileCheck.Validate(path);
            RouteNativeLog();
            var parameters = new ModelParams(path)
            {
                ContextSize = (uint)_options.ContextSize,
                GpuLayerCount = _options.GpuLayerCount,
                BatchSize = (uint)_options.BatchSize,
                Threads = _options.Threads > 0 ? _options.Threads : null,
                BatchThreads = _options.Threads > 0 ? _options.Threads : null,
            };
            var started = TimeProvider.System.GetTimestamp();
            var weights = await LLamaWeights.LoadFromFileAsync(parameters, stoppingToken);
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
            var vision = await LoadProjectorAsync(weights, stoppingToken);
            _model = new LoadedModel(weights, parameters, name, isDemo, vision) { LoadedAt = TimeProvider.System.GetUtcNow() };
            logger.LogInformation(
                "Model {Name} loaded from {Path} in {Elapsed:F0} ms{Demo}",
                name,
                path,
                TimeProvider.System.GetElapsedTime(started).TotalMilliseconds,
                isDemo ? " (built-in demo model)" : string.Empty);
            _ready.TrySetResult(_model);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            _ready.TrySetCanceled(stoppingToken);
        }
        catch (ModelFileException e)
        {
            Fail(e);
        }
        catch (Exception e)
        {
            string detail;
            lock (_nativeErrors)
            {
                detail = _nativeErrors.Count > 0 ? string.Join("; ", _nativeErrors) : e.Message;
            }

            Fail(new ModelFileException(path, $"llama.cpp could not load it: {detail}"));
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
        parameters.NThreads = _options.Threads > 0 ? _options.Threads : Math.Max(Environment.ProcessorCount / 2, 1);
        parameters.Warmup = false;
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
                    if (_model is null)
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
