using Edison.Core.Inference.Prompts;
using LLama;
using LLama.Native;
using LLama.Sampling;
using Microsoft.Extensions.AI;

namespace Edison.Core.Inference.Engine;

/// <summary>One generation being decoded: its KV sequence, where it stands in its prompt and its answer.</summary>
/// <param name="thinking">How the model marks its thinking; null for a model that does not think.</param>
/// <param name="closeThinking">The token that closes the thinking, written when its budget is spent.</param>
internal sealed class Sequence(
    GenerationJob job,
    LLamaSeqId id,
    LLamaToken[] prompt,
    ISamplingPipeline sampler,
    StreamingTokenDecoder decoder,
    ThinkingFormat? thinking,
    LLamaToken? closeThinking)
{
    private LLamaToken? _forced;

    public GenerationJob Job { get; } = job;

    public LLamaSeqId Id { get; } = id;

    public LLamaToken[] Prompt { get; } = prompt;

    public ISamplingPipeline Sampler { get; } = sampler;

    public StreamingTokenDecoder Decoder { get; } = decoder;

    public StopStringFilter Stops { get; } = new(job.Request.StopStrings);

    /// <summary>Parts a thinking model's text into thinking and answer; null for a model that does not think.</summary>
    public ThinkingSplitter? Thinking { get; } = thinking is null ? null : new(thinking, startsThinking: thinking.IsOpenAtEndOf(job.Request.Prompt));

    /// <summary>The tokens of the thinking, its markup included.</summary>
    public int ThinkingTokens { get; private set; }

    /// <summary>The tokens of the answer: not the thinking's, nor markup before or between them.</summary>
    public int AnswerTokens { get; private set; }

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

    /// <summary>Answer tokens written so far.</summary>
    public int Generated => Sampled.Count;

    /// <summary>Prompt tokens that were in the sequence's cells already (the prompt cache) and were not read again.</summary>
    public int CachedTokens { get; set; }

    /// <summary>Whether the sequence's cells may be kept for the next request (not for images, whose positions are no tokens).</summary>
    public bool Keepable { get; set; } = true;

    /// <summary>Every answer token sampled, in order; all but the last are in the cells (see <see cref="CellTokens"/>).</summary>
    public List<LLamaToken> Sampled { get; } = [];

    /// <summary>The answer's text released to the caller so far (without its thinking).</summary>
    public System.Text.StringBuilder Released { get; } = new();

    /// <summary>True when max tokens or the context ended the answer, not the model or a stop string.</summary>
    public bool CutOff { get; set; }

    /// <summary>
    /// What the sequence's cells hold, in order: the prompt as far as it was read, then the answer tokens decoded (each
    /// decoded token took one position past the prompt).
    /// </summary>
    public List<LLamaToken> CellTokens() => [.. Prompt.Take(PromptFed), .. Sampled.Take(Position - PromptFed)];

    /// <summary>
    /// True for a sequence that only reads its prompt into its cells and answers nobody: a thinking model's answer
    /// rewritten as the next turn will read it (see <see cref="DecodeLoop"/>).
    /// </summary>
    public bool RewritesCells { get; init; }

    /// <summary>Admission order: the newest gives way when the KV cache is full.</summary>
    public long Admitted { get; set; }

    public bool Finished { get; private set; }

    /// <summary>The next token: the one Edison writes, if one waits (the thinking's close), else the sampler's pick from the logits at <paramref name="index"/>.</summary>
    public LLamaToken Next(SafeLLamaContextHandle context, int index)
    {
        if (_forced is { } forced)
        {
            _forced = null;
            Sampler.Accept(forced);
            return forced;
        }

        return Sampler.Sample(context, index);
    }

    /// <summary>Moves past a decoded step: the prompt tokens it read there, or the answer token it put in.</summary>
    public void MovePastStep()
    {
        if (PromptRemaining > 0)
        {
            Position += PendingPrompt;
            PromptFed += PendingPrompt;
            PendingPrompt = 0;
        }
        else if (LogitIndex >= 0)
        {
            Position++;
        }
    }

    /// <summary>
    /// Takes a sampled token: streams its text and queues it for the next step. False when the answer ends with it: the
    /// model's end of generation, a stop string, or (cut off) its token limit or the end of its context.
    /// </summary>
    public bool Accept(LLamaToken token, SafeLlamaModelHandle.Vocabulary vocab, int contextSize)
    {
        if (token.IsEndOfGeneration(vocab))
        {
            return false;
        }

        Sampled.Add(token);
        bool thinking = Thinking?.IsThinking == true;
        if (Job.Request.ShownControlTokens.TryGetValue(token, out var shown))
        {
            Release(Decoder.Read());
            WriteControl(shown);
        }
        else
        {
            Decoder.Add(token);
            Release(Decoder.Read());
        }

        if (Thinking?.IsAnswering != false)
        {
            AnswerTokens++;
        }

        if (thinking || Thinking?.IsThinking == true)
        {
            ThinkingTokens++;
            // Once the budget is spent, thinking the model opens again is closed at once too.
            if (Thinking!.IsThinking && _forced is null && ThinkingTokens >= Job.Request.MaxReasoningTokens)
            {
                _forced = closeThinking;
            }
        }

        if (Stops.Stopped)
        {
            return false;
        }

        // The answer's limit is the answer's: a thinking model's thinking has a budget of its own, and its markup
        // counts for neither.
        if (AnswerTokens >= Job.Request.MaxTokens || Position + 1 >= contextSize)
        {
            CutOff = true;
            return false;
        }

        NextToken = token;
        return true;
    }

    /// <summary>
    /// Streams text to the caller: the answer as text, held back where it might start a stop string (which only the
    /// answer can hold), and a thinking model's thinking as reasoning.
    /// </summary>
    public void Release(string text)
    {
        if (Thinking is null)
        {
            Write(Stops.Push(text), thinking: false);
            return;
        }

        Release(Thinking.Push(text));
    }

    private void Release(IReadOnlyList<(string Text, bool IsThinking)> pieces)
    {
        foreach (var (piece, thinking) in pieces)
        {
            Write(thinking ? piece : Stops.Push(piece), thinking);
        }
    }

    private void Write(string text, bool thinking)
    {
        if (text.Length == 0)
        {
            return;
        }

        if (thinking)
        {
            Job.Output.Writer.TryWrite(new ChatResponseUpdate(ChatRole.Assistant, [new TextReasoningContent(text)]));
            return;
        }

        Released.Append(text);
        Job.Output.Writer.TryWrite(new ChatResponseUpdate(ChatRole.Assistant, text));
    }

    /// <summary>A shown control token, after the text before it (a stop string cannot run across it).</summary>
    private void WriteControl(string text)
    {
        Write(Stops.Flush(), thinking: false);
        Released.Append(text);
        Job.Output.Writer.TryWrite(new ChatResponseUpdate(ChatRole.Assistant, [ControlText.Of(text)]));
    }

    /// <summary>
    /// How an answer that ended well ends its stream: the text held back for stop strings, then the usage; its tokens
    /// are remembered for when the answer comes back as history.
    /// </summary>
    public void ReleaseRest(AnswerTokens answers)
    {
        Release(Thinking?.Flush() ?? []);
        Write(Stops.Flush(), thinking: false);

        Job.Output.Writer.TryWrite(new ChatResponseUpdate
        {
            Role = ChatRole.Assistant,
            FinishReason = CutOff ? ChatFinishReason.Length : ChatFinishReason.Stop,
            Contents =
            [
                new UsageContent(new UsageDetails
                {
                    InputTokenCount = PromptTokens,
                    CachedInputTokenCount = CachedTokens,
                    OutputTokenCount = Generated,
                    TotalTokenCount = PromptTokens + Generated,
                    ReasoningTokenCount = Thinking is null ? null : ThinkingTokens,
                }),
            ],
        });

        // What the caller shows (and stores) is the text without its leading white space; a stop string's tokens are
        // not the text, and a thinking answer's tokens hold its thinking too, so those answers are not remembered.
        if (!Stops.Stopped && !Job.IsAbandoned && ThinkingTokens == 0)
        {
            answers.Remember(Released.ToString().TrimStart(), [.. Sampled]);
        }
    }

    /// <summary>
    /// Completes the caller's stream, with the error if there is one; true the first time only, and only for a sequence
    /// that answers a caller (one the engine counts as active).
    /// </summary>
    public bool Complete(Exception? error)
    {
        if (Finished)
        {
            return false;
        }

        Finished = true;
        Job.Output.Writer.TryComplete(error);
        Sampler.Dispose();
        return !RewritesCells;
    }
}
