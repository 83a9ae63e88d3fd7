using System.Runtime.CompilerServices;
using System.Threading.Channels;
using LLama;
using LLama.Batched;
using LLama.Native;
using LLama.Sampling;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Edison.Core.Llama;

/// <summary>
/// Serves many conversations at once from the one model: a single background loop owns a
/// <see cref="BatchedExecutor"/> (whose inference must never run twice at once) and decodes one token for every
/// active sequence per batch, feeding new prompts in chunks so that a long prompt does not stall the streams
/// already running. Requests arrive through a channel and get their text back through their own channel. Up to
/// <see cref="ModelOptions.MaxParallel"/> sequences run together; later requests wait in arrival order, and a
/// request whose caller gives up leaves the queue, or the next batch, at once, freeing its KV cells.
/// </summary>
public sealed class BatchedGenerationEngine(ModelHost host, IOptions<ModelOptions> options, ILogger<BatchedGenerationEngine> logger)
    : IGenerationEngine, IHostedService, IAsyncDisposable
{
    private readonly Channel<Job> _arrivals = Channel.CreateUnbounded<Job>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _startGate = new();
    private Task? _loop;
    private int _active;
    private int _queued;
    private int _disposed;

    public int ActiveGenerations => Volatile.Read(ref _active);

    public int QueuedGenerations => Volatile.Read(ref _queued);

    public async IAsyncEnumerable<string> GenerateAsync(GenerationRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var model = await host.WhenReadyAsync(cancellationToken);
        EnsureStarted(model);
        var job = new Job(request, cancellationToken);
        Interlocked.Increment(ref _queued);
        _arrivals.Writer.TryWrite(job);
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

    /// <summary>Creates the executor as soon as the model is loaded, so the first answer does not wait for it.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = host.WhenReadyAsync(_stopping.Token).ContinueWith(
            loaded => EnsureStarted(loaded.Result),
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnRanToCompletion,
            TaskScheduler.Default);
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

        await _stopping.CancelAsync();
        _arrivals.Writer.TryComplete();
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        _stopping.Dispose();
    }

    private void EnsureStarted(LoadedModel model)
    {
        lock (_startGate)
        {
            _loop ??= Task.Run(() => RunAsync(model, _stopping.Token));
        }
    }

    private async Task RunAsync(LoadedModel model, CancellationToken stopping)
    {
        int parallel = options.Value.MaxParallel;

        // Each sequence gets the whole context: llama.cpp splits a non-unified KV cache evenly between sequences.
        var parameters = model.Parameters with
        {
            ContextSize = (uint)(model.ContextSize * parallel),
            SeqMax = (uint)parallel,
            KVUnified = false,
        };
        using var executor = new BatchedExecutor(model.Weights, parameters);
        int batchSize = (int)executor.Context.BatchSize;
        var waiting = new Queue<Job>();
        var running = new List<Sequence>();
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                while (_arrivals.Reader.TryRead(out var arrived))
                {
                    waiting.Enqueue(arrived);
                }

                Admit(waiting, running, executor, model, parallel);
                if (running.Count == 0)
                {
                    if (!await _arrivals.Reader.WaitToReadAsync(stopping))
                    {
                        break;
                    }

                    continue;
                }

                FeedPrompts(running, batchSize);
                var result = await executor.Infer(stopping);
                if (result == DecodeResult.NoKvSlot)
                {
                    Finish(running[^1], new InvalidOperationException("The model's memory for conversations is full; try again shortly."));
                }
                else if (result != DecodeResult.Ok)
                {
                    var failure = new InvalidOperationException($"llama.cpp could not decode the batch ({result}).");
                    foreach (var sequence in running)
                    {
                        Finish(sequence, failure);
                    }
                }

                foreach (var sequence in running)
                {
                    if (!sequence.Finished)
                    {
                        Step(sequence, model);
                    }
                }

                running.RemoveAll(sequence => sequence.Finished);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            logger.LogError(e, "The generation loop failed");
            foreach (var sequence in running)
            {
                Finish(sequence, e);
            }

            foreach (var job in waiting)
            {
                Interlocked.Decrement(ref _queued);
                job.Output.Writer.TryComplete(e);
            }

            // The next request starts a fresh loop with a fresh executor instead of waiting on this one forever.
            lock (_startGate)
            {
                _loop = null;
            }
        }
        finally
        {
            foreach (var sequence in running)
            {
                Finish(sequence, new OperationCanceledException("Edison is shutting down."));
            }
        }
    }

    /// <summary>Starts waiting requests, oldest first, while there is a free sequence; drops those whose caller left.</summary>
    private void Admit(Queue<Job> waiting, List<Sequence> running, BatchedExecutor executor, LoadedModel model, int parallel)
    {
        int pending = waiting.Count;
        for (int i = 0; i < pending; i++)
        {
            var job = waiting.Dequeue();
            if (job.IsAbandoned)
            {
                Interlocked.Decrement(ref _queued);
                job.Output.Writer.TryComplete();
                continue;
            }

            if (running.Count >= parallel)
            {
                waiting.Enqueue(job);
                continue;
            }

            Interlocked.Decrement(ref _queued);
            var prompt = executor.Context.Tokenize(job.Request.Prompt, addBos: true, special: true);
            if (prompt.Length >= model.ContextSize)
            {
                job.Output.Writer.TryComplete(new PromptTooLongException(prompt.Length, model.ContextSize));
                continue;
            }

            Interlocked.Increment(ref _active);
            running.Add(new Sequence(job, executor.Create(), prompt, CreateSampler(job.Request), new StreamingTokenDecoder(executor.Context)));
        }
    }

    /// <summary>
    /// Gives every sequence still reading its prompt a share of the batch left after one token per decoding sequence,
    /// so a long prompt is read over several batches while the other streams keep going.
    /// </summary>
    private static void FeedPrompts(List<Sequence> running, int batchSize)
    {
        int decoding = running.Count(s => s.PromptRemaining == 0 && !s.Finished);
        int budget = Math.Max(1, batchSize - decoding);
        foreach (var sequence in running)
        {
            if (sequence.PromptRemaining == 0 || sequence.Finished || budget <= 0)
            {
                continue;
            }

            int take = Math.Min(sequence.PromptRemaining, budget);
            sequence.Conversation.Prompt(sequence.Prompt.AsSpan(sequence.PromptFed, take));
            sequence.PromptFed += take;
            budget -= take;
        }
    }

    /// <summary>Samples this sequence's next token after a batch, streams its text and prompts it for the next batch.</summary>
    private void Step(Sequence sequence, LoadedModel model)
    {
        if (sequence.Job.IsAbandoned)
        {
            Finish(sequence, null);
            return;
        }

        if (sequence.PromptRemaining > 0 || !sequence.Conversation.RequiresSampling)
        {
            return;
        }

        var token = sequence.Conversation.Sample(sequence.Sampler);
        if (token.IsEndOfGeneration(model.Weights.Vocab))
        {
            Finish(sequence, null);
            return;
        }

        sequence.Decoder.Add(token);
        var released = sequence.Stops.Push(sequence.Decoder.Read());
        if (released.Length > 0)
        {
            sequence.Job.Output.Writer.TryWrite(released);
        }

        sequence.Generated++;
        if (sequence.Stops.Stopped
            || sequence.Generated >= sequence.Job.Request.MaxTokens
            || sequence.Prompt.Length + sequence.Generated >= model.ContextSize)
        {
            Finish(sequence, null);
            return;
        }

        sequence.Conversation.Prompt(token);
    }

    private void Finish(Sequence sequence, Exception? error)
    {
        if (sequence.Finished)
        {
            return;
        }

        sequence.Finished = true;
        if (error is null)
        {
            var rest = sequence.Stops.Flush();
            if (rest.Length > 0)
            {
                sequence.Job.Output.Writer.TryWrite(rest);
            }
        }

        sequence.Job.Output.Writer.TryComplete(error);
        sequence.Conversation.Dispose();
        sequence.Sampler.Dispose();
        Interlocked.Decrement(ref _active);
    }

    private static ISamplingPipeline CreateSampler(GenerationRequest request) =>
        request.Temperature <= 0
            ? new GreedySamplingPipeline()
            : new DefaultSamplingPipeline { Temperature = request.Temperature, TopP = request.TopP, Seed = request.Seed };

    private sealed class Job(GenerationRequest request, CancellationToken cancellationToken)
    {
        private int _abandoned;

        public GenerationRequest Request { get; } = request;

        public Channel<string> Output { get; } = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });

        public bool IsAbandoned => Volatile.Read(ref _abandoned) == 1 || cancellationToken.IsCancellationRequested;

        public void Abandon() => Volatile.Write(ref _abandoned, 1);
    }

    private sealed class Sequence(Job job, Conversation conversation, LLamaToken[] prompt, ISamplingPipeline sampler, StreamingTokenDecoder decoder)
    {
        public Job Job { get; } = job;

        public Conversation Conversation { get; } = conversation;

        public LLamaToken[] Prompt { get; } = prompt;

        public ISamplingPipeline Sampler { get; } = sampler;

        public StreamingTokenDecoder Decoder { get; } = decoder;

        public StopStringFilter Stops { get; } = new(job.Request.StopStrings);

        public int PromptFed { get; set; }

        public int PromptRemaining => Prompt.Length - PromptFed;

        public int Generated { get; set; }

        public bool Finished { get; set; }
    }
}
