using Edison.Core.Chat;
using Edison.Core.Inference.Models;
using Edison.Core.Inference.Prompts;
using Edison.Core.Modes;
using LLama;
using LLama.Batched;
using LLama.Common;
using LLama.Native;
using LLama.Sampling;

namespace Edison.Bench;

/// <summary>LLamaSharp on its own, with nothing of Edison's around it: the floor Edison adds to.</summary>
public sealed class RawLlama(BenchOptions options) : IDisposable
{
    private readonly ModelParams _parameters = new(options.ModelPath) { ContextSize = (uint)options.ContextSize, Threads = options.ThreadCount, BatchThreads = options.ThreadCount, FlashAttention = options.UsesFlashAttention, LoadMode = LLamaLoadMode.MemoryMap };
    private DecodeThread? _decodeThread;
    private LLamaWeights? _weights;
    private LoadedModel? _model;

    public string Prompt { get; private set; } = string.Empty;

    public void Load()
    {
        _weights = LLamaWeights.LoadFromFile(_parameters);
        _model = new LoadedModel(_weights, _parameters, "bench", isDemo: false);
        Prompt = Format(options.Message);
    }

    /// <summary>A message as Edison's chat mode prompts it: its system prompt, then the message.</summary>
    public string Format(string message) =>
        ChatPromptBuilder.Format(_model!, [new(ChatTurn.System, ChatMode.Chat.SystemPrompt), new(ChatTurn.User, message)]).Text;

    /// <summary>A long message whose prompt (<see cref="Format"/>) comes to about the given number of tokens.</summary>
    public string LongMessage(int seed, int promptTokens)
    {
        int words = promptTokens;
        for (int attempt = 0; attempt < 4; attempt++)
        {
            int tokens = _weights!.Tokenize(Format(BenchMessages.Long(seed, words)), add_bos: true, special: true, System.Text.Encoding.UTF8).Length;
            words = Math.Max(1, (int)Math.Round(words * (double)promptTokens / tokens));
        }

        return BenchMessages.Long(seed, words);
    }

    /// <summary>LLamaSharp's StatelessExecutor: a new context for each answer.</summary>
    public async Task<StreamTiming> StatelessAsync()
    {
        var executor = new StatelessExecutor(_weights!, _parameters);
        var inference = new InferenceParams { MaxTokens = options.MaxTokens, SamplingPipeline = new GreedySamplingPipeline() };
        var timing = new TimingRecorder();
        await foreach (var piece in executor.InferAsync(Prompt, inference))
        {
            timing.Text(piece);
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
            timing.Text(decoder.Read());

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
    /// LLamaSharp's context driven directly, one synchronous decode per step on one dedicated thread: the fastest this
    /// package goes, and the technique Edison's engine uses (BatchedExecutor.Infer hops to a pool thread per decode).
    /// With several sequences each step decodes one token of every one in a single batch, which is the most batching
    /// can give on this model and machine: the ceiling for Edison's concurrent figures.
    /// </summary>
    /// <remarks>The thread starts with the first loop: a worker that runs only LLamaSharp's executors never needs it.</remarks>
    public Task<StreamTiming[]> DirectDecodeAsync(LLamaContext context, int sequences) =>
        (_decodeThread ??= new DecodeThread()).RunAsync(() => DirectDecode(context, sequences));

    /// <summary>
    /// Reads a prompt in batches of the context's batch size and samples the first token: the time to first token of a
    /// prompt read from the start. With <paramref name="formatted"/> false the text is read as it is, with no template.
    /// </summary>
    public Task<StreamTiming> ReadPromptAsync(LLamaContext context, string text, bool formatted = true, int? tokenLimit = null) =>
        (_decodeThread ??= new DecodeThread()).RunAsync(() =>
        {
            var all = context.Tokenize(formatted ? Format(text) : text, addBos: true, special: formatted);
            var tokens = all.AsSpan(0, Math.Min(all.Length, tokenLimit ?? all.Length));
            var timing = new TimingRecorder();
            var batch = new LLamaBatch();
            int logits = 0;
            for (int at = 0; at < tokens.Length; at += (int)context.BatchSize)
            {
                int take = Math.Min((int)context.BatchSize, tokens.Length - at);
                batch.Clear();
                logits = batch.AddRange(tokens.Slice(at, take), at, (LLamaSeqId)0, logitsLast: at + take == tokens.Length);
                Decode(context, batch);
            }

            using var sampler = new GreedySamplingPipeline();
            sampler.Sample(context.NativeHandle, logits);
            timing.Token();
            context.NativeHandle.MemorySequenceRemove((LLamaSeqId)0, -1, -1);
            return timing.Finish(tokens.Length);
        });

    /// <summary>
    /// Reads <paramref name="read"/> tokens after <paramref name="depth"/> tokens already in the KV cache (read first,
    /// untimed) and samples the first token: a follow-up turn's floor, the cost of attending to a long conversation
    /// included, whatever serves it.
    /// </summary>
    public Task<StreamTiming> ReadAfterAsync(LLamaContext context, string text, int depth, int read) =>
        (_decodeThread ??= new DecodeThread()).RunAsync(() =>
        {
            var all = context.Tokenize(text, addBos: true, special: false);
            if (all.Length < depth + read)
            {
                throw new ArgumentException($"The text has {all.Length} tokens; {depth + read} are needed.", nameof(text));
            }

            var batch = new LLamaBatch();
            for (int at = 0; at < depth; at += (int)context.BatchSize)
            {
                int take = Math.Min((int)context.BatchSize, depth - at);
                batch.Clear();
                batch.AddRange(all.AsSpan(at, take), at, (LLamaSeqId)0, logitsLast: false);
                Decode(context, batch);
            }

            var timing = new TimingRecorder();
            batch.Clear();
            int logits = batch.AddRange(all.AsSpan(depth, read), depth, (LLamaSeqId)0, logitsLast: true);
            Decode(context, batch);
            using var sampler = new GreedySamplingPipeline();
            sampler.Sample(context.NativeHandle, logits);
            timing.Token();
            context.NativeHandle.MemorySequenceRemove((LLamaSeqId)0, -1, -1);
            return timing.Finish(read);
        });

    private StreamTiming[] DirectDecode(LLamaContext context, int sequences)
    {
        var prompt = context.Tokenize(Prompt, addBos: true, special: true);
        var streams = Enumerable.Range(0, sequences).Select(_ => new RawStream(new GreedySamplingPipeline(), new StreamingTokenDecoder(context), new TimingRecorder())).ToArray();
        var prefill = new LLamaBatch();
        var batch = new LLamaBatch();

        // Each prompt is read on its own (together they may not fit one batch), then every step decodes them all.
        for (int s = 0; s < sequences; s++)
        {
            prefill.Clear();
            int logits = prefill.AddRange(prompt, 0, (LLamaSeqId)s, logitsLast: true);
            Decode(context, prefill);
            Accept(s, logits, prompt.Length, generated: 1);
        }

        // Accept refills the batch, so the places of this step's logits are read out first.
        var logitIndexes = new int[sequences];
        for (int generated = 2, position = prompt.Length + 1; batch.TokenCount > 0; generated++, position++)
        {
            Decode(context, batch);
            for (int s = 0; s < sequences; s++)
            {
                logitIndexes[s] = streams[s].LogitIndex;
            }

            batch.Clear();
            for (int s = 0; s < sequences; s++)
            {
                if (!streams[s].Ended)
                {
                    Accept(s, logitIndexes[s], position, generated);
                }
            }
        }

        for (int s = 0; s < sequences; s++)
        {
            context.NativeHandle.MemorySequenceRemove((LLamaSeqId)s, -1, -1);
            streams[s].Sampler.Dispose();
        }

        return streams.Select(stream => stream.Timing.Finish()).ToArray();

        // Samples sequence s from the logits just decoded and queues its token for the next step, or ends it.
        void Accept(int s, int logitIndex, int position, int generated)
        {
            var stream = streams[s];
            var token = stream.Sampler.Sample(context.NativeHandle, logitIndex);
            bool endOfText = token.IsEndOfGeneration(_weights!.Vocab);
            if (!endOfText)
            {
                stream.Decoder.Add(token);
                stream.Timing.Text(stream.Decoder.Read());
            }

            stream.Ended = endOfText || generated == options.MaxTokens;
            if (!stream.Ended)
            {
                stream.LogitIndex = batch.Add(token, position, (LLamaSeqId)s, logits: true);
            }
        }
    }

    private static void Decode(LLamaContext context, LLamaBatch batch)
    {
        if (context.Decode(batch) != DecodeResult.Ok)
        {
            throw new InvalidOperationException("llama.cpp could not decode the batch.");
        }
    }

    /// <summary>A context laid out as Edison's engine lays out its own: a KV cache per sequence.</summary>
    public LLamaContext CreateContext(int sequences) => _model!.CreateContext(sequences);

    public BatchedExecutor CreateBatchedExecutor() => new(_weights!, _parameters);

    public void Dispose()
    {
        _decodeThread?.Dispose();
        _weights?.Dispose();
    }

    private sealed class RawStream(ISamplingPipeline sampler, StreamingTokenDecoder decoder, TimingRecorder timing)
    {
        public ISamplingPipeline Sampler { get; } = sampler;

        public StreamingTokenDecoder Decoder { get; } = decoder;

        public TimingRecorder Timing { get; } = timing;

        public int LogitIndex { get; set; }

        public bool Ended { get; set; }
    }
}
