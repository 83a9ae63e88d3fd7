using Edison.Core.Chat;
using Edison.Core.Llama;
using LLama;
using LLama.Batched;
using LLama.Common;
using LLama.Native;
using LLama.Sampling;

namespace Edison.Bench;

/// <summary>LLamaSharp on its own, with nothing of Edison's around it: the floor Edison adds to.</summary>
public sealed class RawLlama(BenchOptions options) : IDisposable
{
    private readonly ModelParams _parameters = new(options.ModelPath) { ContextSize = (uint)options.ContextSize, Threads = options.Threads, BatchThreads = options.Threads };
    private LLamaWeights? _weights;

    public string Prompt { get; private set; } = string.Empty;

    public void Load()
    {
        _weights = LLamaWeights.LoadFromFile(_parameters);
        var model = new LoadedModel(_weights, _parameters, "bench", isDemo: false);
        Prompt = ChatPromptBuilder.Format(model, [new(ChatTurn.System, ChatMode.Chat.SystemPrompt), new(ChatTurn.User, options.Message)]);
    }

    /// <summary>LLamaSharp's StatelessExecutor: a new context for each answer.</summary>
    public async Task<StreamTiming> StatelessAsync()
    {
        var executor = new StatelessExecutor(_weights!, _parameters);
        var inference = new InferenceParams { MaxTokens = options.MaxTokens, SamplingPipeline = new GreedySamplingPipeline() };
        var timing = new TimingRecorder();
        await foreach (var piece in executor.InferAsync(Prompt, inference))
        {
            if (piece.Length > 0)
            {
                timing.Token();
            }
        }

        return timing.Finish();
    }

    /// <summary>LLamaSharp's BatchedExecutor with one conversation and a hand-written loop: the machinery Edison uses.</summary>
    public async Task<StreamTiming> BatchedAsync(BatchedExecutor executor)
    {
        var timing = new TimingRecorder();
        using var conversation = executor.Create();
        using var sampler = new GreedySamplingPipeline();
        var decoder = new StreamingTokenDecoder(executor.Context);
        conversation.Prompt(executor.Context.Tokenize(Prompt, addBos: true, special: true));
        for (int generated = 1; ; generated++)
        {
            await executor.Infer();
            var token = conversation.Sample(sampler);
            if (token.IsEndOfGeneration(_weights!.Vocab))
            {
                break;
            }

            decoder.Add(token);
            if (decoder.Read().Length > 0)
            {
                timing.Token();
            }

            // A token prompted but never inferred would stay queued in the executor for the next conversation.
            if (generated == options.MaxTokens)
            {
                break;
            }

            conversation.Prompt(token);
        }

        return timing.Finish();
    }

    /// <summary>
    /// LLamaSharp's context driven directly, one synchronous decode per token on the calling thread: the fastest this
    /// package goes, and the technique Edison's engine uses (BatchedExecutor.Infer hops to a pool thread per decode).
    /// </summary>
    public Task<StreamTiming> DirectDecodeAsync(LLamaContext context)
    {
        var timing = new TimingRecorder();
        using var sampler = new GreedySamplingPipeline();
        var decoder = new StreamingTokenDecoder(context);
        var batch = new LLamaBatch();
        var prompt = context.Tokenize(Prompt, addBos: true, special: true);
        int logits = batch.AddRange(prompt, 0, LLamaSeqId.Zero, logitsLast: true);
        int position = prompt.Length;
        for (int generated = 1; ; generated++)
        {
            if (context.Decode(batch) != DecodeResult.Ok)
            {
                throw new InvalidOperationException("llama.cpp could not decode the batch.");
            }

            var token = sampler.Sample(context.NativeHandle, logits);
            if (token.IsEndOfGeneration(_weights!.Vocab))
            {
                break;
            }

            decoder.Add(token);
            if (decoder.Read().Length > 0)
            {
                timing.Token();
            }

            if (generated == options.MaxTokens)
            {
                break;
            }

            batch.Clear();
            logits = batch.Add(token, position++, LLamaSeqId.Zero, logits: true);
        }

        context.NativeHandle.MemorySequenceRemove(LLamaSeqId.Zero, -1, -1);
        return Task.FromResult(timing.Finish());
    }

    public LLamaContext CreateContext() => _weights!.CreateContext(_parameters);

    public BatchedExecutor CreateBatchedExecutor() => new(_weights!, _parameters);

    public void Dispose() => _weights?.Dispose();
}
