using System.Runtime.CompilerServices;
using LLama;
using LLama.Native;
using LLama.Sampling;
using Microsoft.Extensions.Logging;

namespace Edison.Core.Llama;

/// <summary>
/// One generation at a time on one reused context; other callers wait their turn in arrival order
/// (SemaphoreSlim queues asynchronous waiters first in, first out). A caller that gives up while waiting leaves
/// the queue at once.
/// </summary>
public sealed class SerialGenerationEngine(ModelHost host, ILogger<SerialGenerationEngine> logger) : IGenerationEngine, IDisposable
{
    private static readonly LLamaSeqId Sequence = LLamaSeqId.Zero;

    private readonly SemaphoreSlim _turn = new(1, 1);
    private LLamaContext? _context;
    private int _active;

    public int ActiveGenerations => Volatile.Read(ref _active);

    public async IAsyncEnumerable<string> GenerateAsync(
        GenerationRequest request,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var model = await host.WhenReadyAsync(cancellationToken);
        await _turn.WaitAsync(cancellationToken);
        Interlocked.Increment(ref _active);
        try
        {
            var context = _context ??= model.Weights.CreateContext(model.Parameters, logger);
            context.NativeHandle.MemoryClear(data: true);

            var prompt = context.Tokenize(request.Prompt, addBos: true, special: true);
            int contextSize = (int)context.ContextSize;
            if (prompt.Length >= contextSize)
            {
                throw new PromptTooLongException(prompt.Length, contextSize);
            }

            var batch = new LLamaBatch();
            int position = DecodePrompt(context, batch, prompt, cancellationToken);

            using var sampler = CreateSampler(request);
            var decoder = new StreamingTokenDecoder(context);
            var stops = new StopStringFilter(request.StopStrings);
            int logitIndex = batch.TokenCount - 1;
            var vocabulary = model.Weights.Vocab;

            for (int generated = 0; generated < request.MaxTokens && position < contextSize; generated++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var token = sampler.Sample(context.NativeHandle, logitIndex);
                if (token.IsEndOfGeneration(vocabulary))
                {
                    break;
                }

                decoder.Add(token);
                var released = stops.Push(decoder.Read());
                if (released.Length > 0)
                {
                    yield return released;
                }

                if (stops.Stopped)
                {
                    yield break;
                }

                batch.Clear();
                batch.Add(token, position++, Sequence, true);
                Decode(context, batch);
                logitIndex = 0;
            }

            var rest = stops.Flush();
            if (rest.Length > 0)
            {
                yield return rest;
            }
        }
        finally
        {
            Interlocked.Decrement(ref _active);
            _turn.Release();
        }
    }

    public void Dispose()
    {
        _context?.Dispose();
        _turn.Dispose();
    }

    private static int DecodePrompt(LLamaContext context, LLamaBatch batch, LLamaToken[] prompt, CancellationToken cancellationToken)
    {
        int chunk = (int)context.BatchSize;
        for (int start = 0; start < prompt.Length; start += chunk)
        {
            cancellationToken.ThrowIfCancellationRequested();
            batch.Clear();
            int end = Math.Min(start + chunk, prompt.Length);
            for (int i = start; i < end; i++)
            {
                batch.Add(prompt[i], i, Sequence, i == prompt.Length - 1);
            }

            Decode(context, batch);
        }

        return prompt.Length;
    }

    private static void Decode(LLamaContext context, LLamaBatch batch)
    {
        var result = context.Decode(batch);
        if (result != DecodeResult.Ok)
        {
            throw new InvalidOperationException($"llama.cpp could not decode the batch ({result}).");
        }
    }

    private static ISamplingPipeline CreateSampler(GenerationRequest request) =>
        request.Temperature <= 0
            ? new GreedySamplingPipeline()
            : new DefaultSamplingPipeline { Temperature = request.Temperature, TopP = request.TopP, Seed = request.Seed };
}
