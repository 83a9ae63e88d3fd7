using Edison.Core.Inference.Models;
using Edison.Core.Inference.Prompts;
using LLama;
using LLama.Native;
using Microsoft.Extensions.Logging;

namespace Edison.Core.Inference.Engine;

/// <summary>
/// The generation loop of one loaded model: a dedicated thread that owns a llama context with one KV sequence per
/// running request and decodes one token for every running sequence per step (in one batch, or each alone where
/// <see cref="StepSplitting"/> measured that faster), feeding new prompts in chunks so that a long prompt does not stall
/// the streams already running. A failure in one sequence ends that sequence alone. The loop holds a lease on its
/// model, and ends, returning it, once it is idle and its model is no longer the one new requests get (a switch).
/// </summary>
internal sealed class DecodeLoop
{
    private readonly ModelLease _lease;
    private readonly ISamplerFactory _samplers;
    private readonly EngineCounters _counters;
    private readonly EngineLimits _limits;
    private readonly ILogger _logger;
    private readonly Func<DecodeLoop, bool> _mayEnd;
    private readonly Action<DecodeLoop> _ended;
    private readonly CancellationToken _stopping;
    private readonly WaitingJobs _waiting;
    private readonly RunningSequences _running = new();
    private readonly SequenceSlots _slots;
    private readonly DecodeBatch _batch;
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private LLamaContext _context = null!;
    private StepSplitting _splitting = StepSplitting.Never;
    private volatile bool _settingUp = true;

    /// <param name="mayEnd">Asked when the loop is idle: true ends it (the engine then no longer posts to it).</param>
    /// <param name="ended">Told when the loop ends for any reason, before it fails what is still queued in it.</param>
    public DecodeLoop(
        ModelLease lease, ISamplerFactory samplers, EngineCounters counters, EngineLimits limits, TimeProvider time, ILogger logger,
        Func<DecodeLoop, bool> mayEnd, Action<DecodeLoop> ended, CancellationToken stopping)
    {
        (_lease, _samplers, _counters, _limits, _logger, _mayEnd, _ended, _stopping) =
            (lease, samplers, counters, limits, logger, mayEnd, ended, stopping);
        _slots = new SequenceSlots(limits.MaxParallel, limits.KeptSequences);
        _waiting = new WaitingJobs(counters, limits, time, logger);
        _batch = new DecodeBatch(limits.PromptChunkWhileStreaming);
    }

    public LoadedModel Model => _lease.Model;

    /// <summary>True until the loop's context exists (see <see cref="IGenerationEngine.IsSettingUp"/>).</summary>
    public bool IsSettingUp => _settingUp;

    /// <summary>Completes when the loop has ended and returned its model.</summary>
    public Task Completion => _completion.Task;

    /// <summary>False once the loop has ended: the job must go to another loop.</summary>
    public bool TryPost(GenerationJob job) => _waiting.TryPost(job);

    /// <summary>Makes an idle loop look again whether it may end (after a switch, at shut-down).</summary>
    public void Wake() => _waiting.Wake();

    /// <summary>Whether jobs have arrived that the loop has not taken yet; asked under the engine's lock.</summary>
    public bool HasArrivals => _waiting.HasArrivals;

    /// <summary>No more jobs: called by the engine, under its lock, when it lets the loop end.</summary>
    public void Close() => _waiting.Close();

    public void Start()
    {
        // One dedicated thread makes every decode call: llama.cpp's OpenMP keeps a team of worker threads per calling
        // thread, so decodes hopping across pool threads (as Task.Run-based inference does) leave several teams
        // spinning and stealing the cores the HTTP side needs.
        var thread = new Thread(Run) { IsBackground = true, Name = $"Edison generation ({Model.Name})" };
        thread.Start();
    }

    private void Run()
    {
        Exception reason = new OperationCanceledException("Edison is shutting down.");
        try
        {
            using (_context = Model.CreateContext(_limits.MaxParallel, _logger))
            {
                _splitting = StepSplitting.For(_limits.DecodesApart, _context, _limits.MaxParallel);
                _logger.LogInformation("Streaming answers on {Model} decode in {Splitting}", Model.Name, _splitting.Reason);
                _settingUp = false;
                Loop();
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            // The next request starts a fresh loop with a fresh context instead of waiting on this one forever.
            _logger.LogError(e, "The generation loop failed");
            reason = e;
        }
        finally
        {
            _ended(this);
            EndAll(reason);
            _lease.Dispose();
            _completion.TrySetResult();
        }
    }

    private void Loop()
    {
        while (!_stopping.IsCancellationRequested)
        {
            // A request waits while an answer's cells are rewritten: it may be that conversation's next turn, which
            // must find them rewritten.
            _waiting.Admit(() => _slots.HasFree && !_running.RewritesCells, Start);
            if (_running.Count == 0)
            {
                // This thread has nothing else to do; blocking it keeps the decode calls on one thread.
                if (_waiting.IsEmpty && _mayEnd(this) || !_waiting.WaitForArrival(_stopping))
                {
                    return;
                }

                continue;
            }

            if (_splitting.DecodesApart(_running.Count) && _running.Streaming == _running.Count)
            {
                foreach (var sequence in _running)
                {
                    _batch.FillOne(sequence);
                    DecodeAndStep([sequence], sequence);
                }
            }
            else
            {
                _batch.Fill(_running, (int)_context.BatchSize);
                DecodeAndStep(_running.All, _running.Newest);
            }

            _running.EndStep();
        }
    }

    /// <summary>Decodes the batch laid out for <paramref name="decoded"/> and moves each of them past it.</summary>
    /// <param name="newest">Who gives way when the KV cache is full.</param>
    private void DecodeAndStep(IReadOnlyList<Sequence> decoded, Sequence newest)
    {
        var result = _batch.DecodeIn(_context);
        if (result == DecodeResult.NoKvSlot)
        {
            // llama.cpp rolls the failed batch back; the newest sequence gives way and the rest retry.
            End(newest, new InvalidOperationException("The model's memory for conversations is full; try again shortly."));
            return;
        }

        if (result != DecodeResult.Ok)
        {
            var failure = new InvalidOperationException($"llama.cpp could not decode the batch ({result}).");
            foreach (var sequence in decoded)
            {
                End(sequence, failure);
            }

            return;
        }

        foreach (var sequence in decoded)
        {
            try
            {
                Step(sequence);
            }
            catch (Exception e)
            {
                // One sequence's failure (its sampler, its text) is its own: the batch goes on without it.
                _logger.LogError(e, "A generation failed while running");
                End(sequence, e);
            }
        }
    }

    /// <summary>Tokenises the prompt and opens the request's sequence; throws before anything is taken if it cannot.</summary>
    private void Start(GenerationJob job)
    {
        if (job.Request.Images is { Count: > 0 })
        {
            StartWithImages(job);
            return;
        }

        var prompt = Model.Tokenize(job.Request.Prompt);
        if (prompt.Length >= Model.ContextSize)
        {
            throw new PromptTooLongException(prompt.Length, Model.ContextSize);
        }

        _running.Add(Open(job, prompt));
    }

    /// <summary>
    /// Reads a prompt with images through the multimodal projector at once (an image is encoded whole, so this one
    /// step pauses the other streams for as long as the encoding takes), then samples its first token; from there the
    /// sequence decodes in the shared batches like any other.
    /// </summary>
    private void StartWithImages(GenerationJob job)
    {
        var vision = Model.Vision ?? throw new UnreadableImageException($"This model ({Model.Name}) cannot see images.");
        var sequence = Open(job, [], keepable: false);
        try
        {
            sequence.Position = sequence.PromptTokens = ImagePromptReader.Read(Model, vision, _context, job.Request, sequence.Id);
            _running.Add(sequence);
            Accept(sequence, sequence.Sampler.Sample(_context.NativeHandle, -1));
        }
        catch (Exception e)
        {
            End(sequence, e);
        }
    }

    /// <summary>
    /// A sequence for the job (see <see cref="SequenceSlots.Take"/>): its conversation's, with what it holds past the
    /// prompt's start dropped, or another whose cells start as a copy of the start it shares with an idle one.
    /// </summary>
    private Sequence Open(GenerationJob job, LLamaToken[] prompt, bool keepable = true)
    {
        var sampler = _samplers.Create(job.Request);
        var (id, reused, _) = _slots.Take(prompt).PrepareCells(_context.NativeHandle);
        _counters.Started();
        return new Sequence(job, id, prompt, sampler, new StreamingTokenDecoder(_context), Model.Thinking, Model.ThinkingClose)
        {
            PromptFed = reused, Position = reused, CachedTokens = reused, Keepable = keepable,
        };
    }

    /// <summary>Moves a sequence past the decoded batch: samples its next token when it has one, and streams the text.</summary>
    private void Step(Sequence sequence)
    {
        sequence.MovePastStep();
        if (sequence.RewritesCells)
        {
            if (sequence.PromptRemaining == 0)
            {
                End(sequence, null);
            }
        }
        else if (sequence.Job.IsAbandoned)
        {
            End(sequence, null);
        }
        else if (sequence.LogitIndex >= 0)
        {
            Accept(sequence, sequence.Next(_context.NativeHandle, sequence.LogitIndex));
        }
    }

    private void Accept(Sequence sequence, LLamaToken token)
    {
        if (!sequence.Accept(token, Model.Weights.Vocab, Model.ContextSize))
        {
            End(sequence, null);
        }
    }

    /// <summary>
    /// Ends a sequence, the one way any sequence ends: the rest of its text and its usage (when it ended well), its
    /// caller's stream completed, its tokens remembered for when the answer comes back as history, and its cells kept
    /// for the prompt cache (unless it failed), rewritten first when the next turn will not read them as they are, or
    /// freed.
    /// </summary>
    private void End(Sequence sequence, Exception? error)
    {
        if (sequence.Finished)
        {
            return;
        }

        // Asked before the caller hears of the end: a caller that has its answer may leave at once.
        bool answered = error is null && !sequence.Job.IsAbandoned;
        if (error is null && !sequence.RewritesCells)
        {
            sequence.ReleaseRest(Model.Answers);
        }

        if (sequence.Complete(error))
        {
            _counters.Ended();
        }

        if (answered && RewriteOf(sequence) is { } rewrite)
        {
            _running.AddAfterStep(rewrite);
            return;
        }

        var keep = error is null && sequence.Keepable ? sequence.CellTokens() : null;
        // Rewritten cells hold an answer too: their prompt is what they had in common with the answer's own.
        int prompt = sequence.RewritesCells ? sequence.CachedTokens : sequence.PromptFed;
        foreach (var emptied in _slots.Release(sequence.Id, keep, prompt))
        {
            _context.NativeHandle.MemorySequenceRemove(emptied, -1, -1);
        }
    }

    /// <summary>
    /// A thinking model's next turn reads this answer without its thinking (and without the markup that opened or
    /// skipped it), so its cells, which hold both, would be read again from where the thinking began. Rewritten while
    /// the person reads, as the next turn will read them (the thinking's cells dropped, the answer read again), they
    /// let the follow-up read only what is new, as after any other answer. Null when the cells are right as they are.
    /// An answer the caller stopped is not rewritten: what was kept of it is not known here.
    /// </summary>
    private Sequence? RewriteOf(Sequence ended)
    {
        if (ended.RewritesCells || !ended.Keepable || _limits.KeptSequences == 0 || Model.Thinking is null || ended.Job.Request.NextTurn is not { } nextTurn)
        {
            return null;
        }

        var target = Model.Tokenize(nextTurn(ended.Released.ToString()));
        int common = SequenceSlots.CommonPrefix(ended.CellTokens(), target);
        if (common == target.Length || target.Length >= Model.ContextSize)
        {
            return null;
        }

        _context.NativeHandle.MemorySequenceRemove(ended.Id, common, -1);
        var job = new GenerationJob(ended.Job.Request, CancellationToken.None, ended.Job.Enqueued);
        return new Sequence(job, ended.Id, target, _samplers.Create(job.Request), new StreamingTokenDecoder(_context), thinking: null, closeThinking: null)
        {
            PromptFed = common, Position = common, CachedTokens = common, RewritesCells = true,
        };
    }

    /// <summary>The loop is over (shut-down, a failure): every request it holds ends with the reason.</summary>
    private void EndAll(Exception reason)
    {
        _running.EndStep();
        foreach (var sequence in _running)
        {
            if (sequence.Complete(reason))
            {
                _counters.Ended();
            }
        }

        _running.EndStep();
        _waiting.FailAll(reason);
    }
}
