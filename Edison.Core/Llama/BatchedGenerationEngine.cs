using System.Runtime.CompilerServices;
using System.Threading.Channels;
using LLama;
using LLama.Native;
using LLama.Sampling;
using Edison.Core.Chat;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Edison.Core.Llama;

/// <summary>
/// Serves many conversations at once from the one model: a single generation thread owns a llama context with one
/// KV sequence per conversation (a context must never decode twice at once) and decodes one token for every
/// active sequence per batch, feeding new prompts in chunks so that a long prompt does not stall the streams
/// already running. Requests arrive through a channel and get their text back through their own channel. Up to
/// <see cref="ModelOptions.MaxParallel"/> sequences run together; later requests wait in arrival order, and a
/// request whose caller gives up leaves the queue, or the next batch, at once, freeing its KV cells. The queue is
/// bounded (<see cref="ModelOptions.QueueLimit"/>) and so is the wait in it (<see cref="ChatOptions.MaxQueueWait"/>):
/// past either a request gets <see cref="EngineBusyException"/>. A failure while starting or running one sequence
/// fails that request alone.
/// </summary>
public sealed class BatchedGenerationEngine(
    ModelHost host,
    ISamplerFactory samplers,
    IOptions<ModelOptions> options,
    IOptions<ChatOptions> chat,
    TimeProvider time,
    ILogger<BatchedGenerationEngine> logger)
    : IGenerationEngine, IHostedService, IAsyncDisposable
{
    /// <summary>What a busy Edison asks clients to wait before they try again.</summary>
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);

    private readonly Channel<Job> _arrivals = Channel.CreateUnbounded<Job>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _startGate = new();
    private Task? _loop;
    private CancellationTokenSource? _loopStop;
    private int _active;
    private int _queued;
    private int _disposed;

    public int ActiveGenerations => Volatile.Read(ref _active);

    public int QueuedGenerations => Volatile.Read(ref _queued);

    public async IAsyncEnumerable<string> GenerateAsync(GenerationRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var model = await host.WhenReadyAsync(cancellationToken);
        EnsureStarted(model);
        if (!TryTakeQueuePlace())
        {
            throw new EngineBusyException(
                $"Edison is busy: {options.Value.QueueLimit} requests are already waiting for their turn; try again in a few seconds.",
                RetryAfter);
        }

        var job = new Job(request, cancellationToken, time.GetTimestamp());
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

    private bool TryTakeQueuePlace()
    {
        int limit = options.Value.QueueLimit;
        while (true)
        {
            int queued = Volatile.Read(ref _queued);
            if (queued >= limit)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _queued, queued + 1, queued) == queued)
            {
                return true;
            }
        }
    }

    /// <summary>Creates the executor as soon as the model is loaded, so the first answer does not wait for it.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        host.BeforeRelease = StopLoopAsync;
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

    /// <summary>
    /// Ends the generation loop, as when the model is switched: running answers fail with a message saying so, queued
    /// requests wait for the next loop, which the next request starts on the model loaded then.
    /// </summary>
    public async Task StopLoopAsync()
    {
        Task? loop;
        CancellationTokenSource? stop;
        lock (_startGate)
        {
            (loop, stop) = (_loop, _loopStop);
            (_loop, _loopStop) = (null, null);
        }

        if (stop is not null)
        {
            await stop.CancelAsync();
        }

        if (loop is not null)
        {
            await loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        stop?.Dispose();
        if (Volatile.Read(ref _queued) > 0 && host.Model is { } current)
        {
            EnsureStarted(current);
        }
    }

    private void EnsureStarted(LoadedModel model)
    {
        lock (_startGate)
        {
            if (_loop is not null)
            {
                return;
            }

            // A caller may hold the model it was given before a switch; the loop always runs the current one.
            model = host.Model ?? model;
            var stop = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
            _loopStop = stop;

            // One dedicated thread makes every decode call: llama.cpp's OpenMP keeps a team of worker threads per
            // calling thread, so decodes hopping across pool threads (as Task.Run-based inference does) leave several
            // teams spinning and stealing the cores the HTTP side needs.
            var finished = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var thread = new Thread(() =>
            {
                try
                {
                    Run(model, stop.Token);
                }
                finally
                {
                    finished.SetResult();
                }
            })
            {
                IsBackground = true,
                Name = "Edison generation",
            };
            _loop = finished.Task;
            thread.Start();
        }
    }

    private void Run(LoadedModel model, CancellationToken stopping)
    {
        int parallel = options.Value.MaxParallel;

        // Each sequence gets the whole context: llama.cpp splits a non-unified KV cache evenly between sequences.
        var parameters = model.Parameters with
        {
            ContextSize = (uint)(model.ContextSize * parallel),
            SeqMax = (uint)parallel,
            KVUnified = false,
        };
        var waiting = new Queue<Job>();
        var running = new RunningSequences(parallel);
        try
        {
            using var context = model.Weights.CreateContext(parameters, logger);
            var batch = new LLamaBatch();
            int batchSize = (int)context.BatchSize;
            while (!stopping.IsCancellationRequested)
            {
                while (_arrivals.Reader.TryRead(out var arrived))
                {
                    waiting.Enqueue(arrived);
                }

                Admit(waiting, running, context, model);
                if (running.Count == 0)
                {
                    // This thread has nothing else to do; blocking it keeps the decode calls on one thread.
                    if (!_arrivals.Reader.WaitToReadAsync(stopping).AsTask().GetAwaiter().GetResult())
                    {
                        break;
                    }

                    continue;
                }

                FillBatch(batch, running, batchSize);
                var result = context.Decode(batch);
                if (result == DecodeResult.NoKvSlot)
                {
                    // llama.cpp rolls the failed batch back; the newest sequence gives way and the rest retry.
                    Finish(running.Newest, context, running, new InvalidOperationException("The model's memory for conversations is full; try again shortly."));
                }
                else if (result != DecodeResult.Ok)
                {
                    var failure = new InvalidOperationException($"llama.cpp could not decode the batch ({result}).");
                    foreach (var sequence in running)
                    {
                        Finish(sequence, context, running, failure);
                    }
                }
                else
                {
                    foreach (var sequence in running)
                    {
                        try
                        {
                            Step(sequence, context, model, running);
                        }
                        catch (Exception e)
                        {
                            // One sequence's failure (its sampler, its text) is its own: the batch goes on without it.
                            logger.LogError(e, "A generation failed while running");
                            Finish(sequence, context, running, e);
                        }
                    }
                }

                running.RemoveFinished();
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
                End(sequence, e);
            }

            foreach (var job in waiting)
            {
                Interlocked.Decrement(ref _queued);
                job.Output.Writer.TryComplete(e);
            }

            waiting.Clear();

            // The next request starts a fresh loop with a fresh context instead of waiting on this one forever.
            lock (_startGate)
            {
                _loop = null;
                _loopStop = null;
            }
        }
        finally
        {
            bool switching = !_stopping.IsCancellationRequested;
            foreach (var sequence in running)
            {
                End(sequence, switching
                    ? new InvalidOperationException("Edison switched to another model while answering; send the message again.")
                    : new OperationCanceledException("Edison is shutting down."));
            }

            // Requests still waiting their turn wait for the next loop (on the new model) instead of failing.
            while (switching && waiting.TryDequeue(out var job))
            {
                _arrivals.Writer.TryWrite(job);
            }
        }
    }

    /// <summary>
    /// Starts waiting requests, oldest first, while a sequence is free; drops those whose caller left and turns away
    /// those that waited too long. A request that cannot be started fails alone.
    /// </summary>
    private void Admit(Queue<Job> waiting, RunningSequences running, LLamaContext context, LoadedModel model)
    {
        int pending = waiting.Count;
        var maxWait = chat.Value.MaxQueueWait;
        for (int i = 0; i < pending; i++)
        {
            var job = waiting.Dequeue();
            if (job.IsAbandoned)
            {
                Interlocked.Decrement(ref _queued);
                job.Output.Writer.TryComplete();
                continue;
            }

            if (!running.HasFreeId)
            {
                if (time.GetElapsedTime(job.Enqueued) > maxWait)
                {
                    Interlocked.Decrement(ref _queued);
                    job.Output.Writer.TryComplete(new EngineBusyException(
                        $"Edison is busy: this request waited {maxWait.TotalSeconds:0} s for its turn; try again in a few seconds.",
                        RetryAfter));
                    continue;
                }

                waiting.Enqueue(job);
                continue;
            }

            Interlocked.Decrement(ref _queued);
            try
            {
                Start(job, running, context, model);
            }
            catch (Exception e)
            {
                logger.LogError(e, "A generation could not be started");
                job.Output.Writer.TryComplete(e);
            }
        }
    }

    private void Start(Job job, RunningSequences running, LLamaContext context, LoadedModel model)
    {
        if (job.Request.Images is { Count: > 0 })
        {
            StartWithImages(job, running, context, model);
            return;
        }

        var prompt = model.Tokenize(job.Request.Prompt);
        if (prompt.Length >= model.ContextSize)
        {
            job.Output.Writer.TryComplete(new PromptTooLongException(prompt.Length, model.ContextSize));
            return;
        }

        var sampler = samplers.Create(job.Request);
        var decoder = new StreamingTokenDecoder(context);
        Interlocked.Increment(ref _active);
        running.Add(new Sequence(job, running.TakeId(), prompt, sampler, decoder));
    }

    /// <summary>
    /// Reads a prompt with images through the multimodal projector at once (an image is encoded whole, so this one
    /// step pauses the other streams for as long as the encoding takes), then samples its first token; from there the
    /// sequence decodes in the shared batches like any other.
    /// </summary>
    private void StartWithImages(Job job, RunningSequences running, LLamaContext context, LoadedModel model)
    {
        var vision = model.Vision;
        if (vision is null)
        {
            job.Output.Writer.TryComplete(new UnreadableImageException($"This model ({model.Name}) cannot see images."));
            return;
        }

        var images = new List<SafeMtmdEmbed>();
        SafeMtmdInputChunks? chunks = null;
        var sampler = samplers.Create(job.Request);
        var decoder = new StreamingTokenDecoder(context);
        Interlocked.Increment(ref _active);
        var sequence = new Sequence(job, running.TakeId(), [], sampler, decoder);
        try
        {
            var encoded = job.Request.Images ?? [];
            for (int i = 0; i < encoded.Count; i++)
            {
                images.Add(SafeMtmdEmbed.FromMediaBuffer(vision.NativeHandle, encoded[i])
                           ?? throw new UnreadableImageException($"Image {i + 1} could not be decoded."));
            }

            // The multimodal tokenizer takes one string and parses control tokens in all of it: content is made inert first.
            if (vision.Tokenize(model.ToInertText(job.Request.Prompt), addSpecial: true, parseSpecial: true, images.ToArray(), out chunks) != 0 || chunks is null)
            {
                throw new UnreadableImageException("The images could not be placed in the prompt.");
            }

            long positions = chunks.CountPositions();
            if (positions >= model.ContextSize)
            {
                throw new PromptTooLongException((int)positions, model.ContextSize);
            }

            int past = 0;
            if (vision.EvaluateChunks(chunks, context.NativeHandle, ref past, (int)sequence.Id, (int)context.BatchSize, logitsLast: true) != 0)
            {
                throw new UnreadableImageException("The model could not read the images.");
            }

            sequence.Position = past;
            sequence.PromptTokens = past;
            running.Add(sequence);
            Accept(sequence, sequence.Sampler.Sample(context.NativeHandle, -1), context, model, running);
        }
        catch (Exception e)
        {
            Finish(sequence, context, running, e);
        }
        finally
        {
            chunks?.Dispose();
            foreach (var image in images)
            {
                image.Dispose();
            }
        }
    }

    /// <summary>
    /// One token for every decoding sequence, then the rest of the batch shared among sequences still reading their
    /// prompt, so a long prompt is read over several batches while the other streams keep going.
    /// </summary>
    /// <remarks>
    /// Sequences enter the batch in id order: with a KV cache per sequence, llama.cpp computes a batch in one pass only
    /// over sequences whose ids follow each other in the batch (0, 1, 2, …); any other order or a gap splits the batch
    /// into several passes, which on the CPU made four streams cost nearly four single ones.
    /// </remarks>
    private static void FillBatch(LLamaBatch batch, RunningSequences running, int batchSize)
    {
        batch.Clear();
        int budget = batchSize;
        foreach (var sequence in running)
        {
            budget -= sequence.PromptRemaining == 0 ? 1 : 0;
        }

        foreach (var sequence in running)
        {
            if (sequence.PromptRemaining == 0)
            {
                sequence.LogitIndex = batch.Add(sequence.NextToken, sequence.Position, sequence.Id, logits: true);
                continue;
            }

            sequence.LogitIndex = -1;
            if (budget <= 0)
            {
                continue;
            }

            int take = Math.Min(sequence.PromptRemaining, budget);
            bool last = take == sequence.PromptRemaining;
            int index = batch.AddRange(sequence.Prompt.AsSpan(sequence.PromptFed, take), sequence.Position, sequence.Id, logitsLast: last);
            sequence.LogitIndex = last ? index : -1;
            sequence.PendingPrompt = take;
            budget -= take;
        }
    }

    /// <summary>Moves a sequence past the decoded batch: samples its next token when it has one, and streams the text.</summary>
    private void Step(Sequence sequence, LLamaContext context, LoadedModel model, RunningSequences running)
    {
        if (sequence.PromptRemaining > 0)
        {
            sequence.Position += sequence.PendingPrompt;
            sequence.PromptFed += sequence.PendingPrompt;
            sequence.PendingPrompt = 0;
        }
        else if (sequence.LogitIndex >= 0)
        {
            sequence.Position++;
        }

        if (sequence.Job.IsAbandoned)
        {
            Finish(sequence, context, running, null);
            return;
        }

        if (sequence.LogitIndex < 0)
        {
            return;
        }

        Accept(sequence, sequence.Sampler.Sample(context.NativeHandle, sequence.LogitIndex), context, model, running);
    }

    /// <summary>Streams a sampled token's text and queues the token for the next batch, or ends the answer.</summary>
    private void Accept(Sequence sequence, LLamaToken token, LLamaContext context, LoadedModel model, RunningSequences running)
    {
        if (token.IsEndOfGeneration(model.Weights.Vocab))
        {
            Finish(sequence, context, running, null);
            return;
        }

        sequence.Decoder.Add(token);
        var released = sequence.Stops.Push(sequence.Decoder.Read());
        if (released.Length > 0)
        {
            sequence.Job.Output.Writer.TryWrite(released);
        }

        sequence.Generated++;
        if (sequence.Stops.Stopped)
        {
            Finish(sequence, context, running, null);
            return;
        }

        if (sequence.Generated >= sequence.Job.Request.MaxTokens || sequence.Position + 1 >= model.ContextSize)
        {
            sequence.Job.Request.Report.CutOff = true;
            Finish(sequence, context, running, null);
            return;
        }

        sequence.NextToken = token;
    }

    /// <summary>Ends a sequence: completes its output and frees its KV cells and its id for the next request.</summary>
    private void Finish(Sequence sequence, LLamaContext context, RunningSequences running, Exception? error)
    {
        if (sequence.Finished)
        {
            return;
        }

        if (error is null)
        {
            var rest = sequence.Stops.Flush();
            if (rest.Length > 0)
            {
                sequence.Job.Output.Writer.TryWrite(rest);
            }
        }

        var report = sequence.Job.Request.Report;
        report.PromptTokens = sequence.PromptTokens;
        report.CompletionTokens = sequence.Generated;
        End(sequence, error);
        context.NativeHandle.MemorySequenceRemove(sequence.Id, -1, -1);
        running.ReleaseId(sequence.Id);
    }

    private void End(Sequence sequence, Exception? error)
    {
        if (sequence.Complete(error))
        {
            Interlocked.Decrement(ref _active);
        }
    }

    private sealed class Job(GenerationRequest request, CancellationToken cancellationToken, long enqueued)
    {
        private int _abandoned;

        public GenerationRequest Request { get; } = request;

        /// <summary>When the request joined the queue, as a <see cref="TimeProvider"/> timestamp.</summary>
        public long Enqueued { get; } = enqueued;

        public Channel<string> Output { get; } = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });

        public bool IsAbandoned => Volatile.Read(ref _abandoned) == 1 || cancellationToken.IsCancellationRequested;

        public void Abandon() => Volatile.Write(ref _abandoned, 1);
    }

    private sealed class Sequence(Job job, LLamaSeqId id, LLamaToken[] prompt, ISamplingPipeline sampler, StreamingTokenDecoder decoder)
    {
        public Job Job { get; } = job;

        public LLamaSeqId Id { get; } = id;

        public LLamaToken[] Prompt { get; } = prompt;

        public ISamplingPipeline Sampler { get; } = sampler;

        public StreamingTokenDecoder Decoder { get; } = decoder;

        public StopStringFilter Stops { get; } = new(job.Request.StopStrings);

        /// <summary>The position in the sequence of the next token put into a batch.</summary>
        public int Position { get; set; }

        public int PromptFed { get; set; }

        /// <summary>Prompt tokens in the batch being decoded, counted as read once it succeeds.</summary>
        public int PendingPrompt { get; set; }

        public int PromptRemaining => Prompt.Length - PromptFed;

        /// <summary>Positions the prompt takes in the context (images take many).</summary>
        public int PromptTokens { get; set; } = prompt.Length;

        /// <summary>The sampled token that goes into the next batch.</summary>
        public LLamaToken NextToken { get; set; }

        /// <summary>Where this sequence's logits are in the batch being decoded, or -1 when it has none there.</summary>
        public int LogitIndex { get; set; } = -1;

        public int Generated { get; set; }

        /// <summary>Admission order: the newest gives way when the KV cache is full.</summary>
        public long Admitted { get; set; }

        public bool Finished { get; private set; }

        /// <summary>Completes the caller's stream, with the error if there is one; true the first time only.</summary>
        public bool Complete(Exception? error)
        {
            if (Finished)
            {
                return false;
            }

            Finished = true;
            Job.Output.Writer.TryComplete(error);
            Sampler.Dispose();
            return true;
        }
    }

    /// <summary>
    /// The sequences being decoded, in id order (the order FillBatch puts them in a batch), and the ids free for new
    /// ones, lowest first, so that running sequences hold neighbouring ids: see FillBatch for why.
    /// </summary>
    private sealed class RunningSequences(int capacity)
    {
        private readonly List<Sequence> _sequences = [];
        private readonly PriorityQueue<int, int> _freeIds = new(Enumerable.Range(0, capacity).Select(id => (id, id)));
        private long _admissions;

        public int Count => _sequences.Count;

        public bool HasFreeId => _freeIds.Count > 0;

        /// <summary>The sequence admitted last.</summary>
        public Sequence Newest => _sequences.MaxBy(sequence => sequence.Admitted)!;

        public LLamaSeqId TakeId() => (LLamaSeqId)_freeIds.Dequeue();

        /// <summary>Frees a finished sequence's id; the sequence itself leaves at the next <see cref="RemoveFinished"/>.</summary>
        public void ReleaseId(LLamaSeqId id) => _freeIds.Enqueue((int)id, (int)id);

        public void Add(Sequence sequence)
        {
            sequence.Admitted = _admissions++;
            int at = _sequences.FindIndex(other => other.Id.Value > sequence.Id.Value);
            _sequences.Insert(at < 0 ? _sequences.Count : at, sequence);
        }

        public void RemoveFinished() => _sequences.RemoveAll(sequence => sequence.Finished);

        public List<Sequence>.Enumerator GetEnumerator() => _sequences.GetEnumerator();
    }
}
