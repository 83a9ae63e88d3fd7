using LLama;
using LLama.Common;
using LLama.Native;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Edison.Core.Inference.Models;

/// <summary>
/// Turns a GGUF path into a <see cref="LoadedModel"/> with Edison's settings: the file checked first, the weights,
/// the context capped at the model's training length, and the vision projector when one is configured. A file that
/// cannot be served is a <see cref="ModelFileException"/> that names it and says why, in llama.cpp's own words.
/// </summary>
public sealed class ModelLoader(IOptions<ModelOptions> modelOptions, NativeLog nativeLog, TimeProvider time, ILogger<ModelLoader> logger)
{
    private readonly ModelOptions _options = modelOptions.Value;
    private readonly int _threads = modelOptions.Value.GenerationThreads();

    public async Task<LoadedModel> LoadAsync(string path, bool isDemo, CancellationToken cancellationToken)
    {
        nativeLog.Route();
        ModelFileCheck.Validate(path);
        using var errors = nativeLog.CaptureErrors();
        var parameters = new ModelParams(path)
        {
            ContextSize = (uint)_options.ContextSize,
            GpuLayerCount = _options.GpuLayerCount,
            BatchSize = (uint)_options.BatchSize,
            Threads = _threads,
            BatchThreads = _options.PromptThreads(_threads),
            FlashAttention = _options.UsesFlashAttention,

            // LLamaSharp's ModelParams default to no load mode, so llama.cpp reads the weights into buffers of its own;
            // mapped, as llama.cpp loads by default, a decode step of four answers on the benchmark model took 39 ms
            // instead of 51-54 ms (one answer's step is the same either way).
            LoadMode = LLamaLoadMode.MemoryMap,
        };
        var started = time.GetTimestamp();
        var weights = await Rejected(path, null, () => LLamaWeights.LoadFromFileAsync(parameters, cancellationToken), "llama.cpp could not load it");
        if (weights.ContextSize > 0 && parameters.ContextSize > (uint)weights.ContextSize)
        {
            // Past its training length a model degrades into noise; use what it was trained for.
            logger.LogInformation(
                "Edison:Model:ContextSize {Configured} is larger than the model's training context; using {Trained}",
                parameters.ContextSize,
                weights.ContextSize);
            parameters.ContextSize = (uint)weights.ContextSize;
        }

        MtmdWeights? vision;
        try
        {
            vision = await LoadProjectorAsync(weights, cancellationToken);
        }
        catch
        {
            weights.Dispose();
            throw;
        }

        string name = isDemo ? DemoModel.Name : Path.GetFileNameWithoutExtension(path);
        var model = new LoadedModel(weights, parameters, name, isDemo, vision) { LoadedAt = time.GetUtcNow() };
        logger.LogInformation(
            "Model {Name} loaded from {Path} in {Elapsed:F0} ms{Demo}; generating on {Threads} threads",
            name,
            path,
            time.GetElapsedTime(started).TotalMilliseconds,
            isDemo ? " (built-in demo model)" : string.Empty,
            parameters.Threads);
        return model;
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
        var vision = await Rejected(
            path,
            setting,
            () => MtmdWeights.LoadFromFileAsync(path, weights, parameters, cancellationToken),
            "llama.cpp could not load it as a multimodal projector for this model");
        if (!vision.SupportsVision)
        {
            vision.Dispose();
            throw new ModelFileException(path, "is a multimodal projector without vision (Edison only sends it images)", setting);
        }

        return vision;
    }

    /// <summary>Runs a load; its failure becomes one line naming the file and what llama.cpp logged about it.</summary>
    private async Task<T> Rejected<T>(string path, string? setting, Func<Task<T>> load, string what)
    {
        try
        {
            return await load();
        }
        catch (Exception e) when (e is not (OperationCanceledException or ModelFileException))
        {
            var detail = nativeLog.ErrorsOr(e.Message);
            throw new ModelFileException(path, $"{what}: {detail}", setting ?? ModelFileException.ModelPathSetting);
        }
    }
}
