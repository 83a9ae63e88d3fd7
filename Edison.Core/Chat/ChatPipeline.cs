using System.Runtime.CompilerServices;
using System.Text;
using Edison.Core.Context;
using Edison.Core.Conversations;
using Edison.Core.Inference.Clients;
using Edison.Core.Inference.Engine;
using Edison.Core.Inference.Models;
using Edison.Core.Inference.Prompts;
using Edison.Core.Memory;
using Edison.Core.Modes;
using Edison.Core.Search;
using Edison.Core.Telemetry;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Edison.Core.Chat;

/// <summary>
/// The one chat pipeline behind every transport: validate → mode (the client's, or detected) → remembered exchanges and
/// web results the mode may use → prompt with the conversation's history → streamed generation → store (and index)
/// the exchange once the answer has completed. Nothing else generates text.
/// </summary>
public sealed class ChatPipeline(
    IChatModelSource models,
    IChatClient answers,
    IConversationStore conversations,
    ExchangeRecorder exchanges,
    ChatPromptBuilder prompts,
    ModeDetector modes,
    TurnContext context,
    EdisonMetrics metrics,
    TimeProvider time,
    IOptions<GenerationOptions> generation,
    ChatRequestValidator validator,
    ILogger<ChatPipeline> logger)
{
    private const string GenerationFailed = "The model failed while writing the answer. Please try again.";

    /// <summary>
    /// Checks the request and builds its prompt, for an answer <paramref name="owner"/> owns (which decides when it is
    /// stored); a request Edison will not run throws <see cref="ChatRequestException"/>.
    /// </summary>
    public async Task<PreparedChat> PrepareAsync(ChatRequest request, AnswerOwner owner, CancellationToken cancellationToken)
    {
        var defaults = generation.Value;
        var (message, conversationId, sent) = validator.Validate(request);

        // Held while the prompt is built: a switch meanwhile cannot free the tokenizer under it.
        using var lease = AcquireModel();
        var model = lease.Model;

        // A new conversation has no history to look up. The model reads the history as text: only a question answered
        // again (or the one whose answer is continued) is asked with its stored images.
        var stored = request.ConversationId is null ? null : await ReadConversationAsync(conversationId, request, cancellationToken);
        var start = StartingPoint.From(request, stored, message);

        // A stored question answered again is asked with the images it was sent with.
        var images = sent.Count == 0 && start.Question?.Images is { } kept ? validator.Images(kept) : sent;
        int maxTokens = CheckAgainst(model, request, images);
        var (text, history) = (start.Text, request.History ?? start.History());
        int answerRoom = AnswerRoom(maxTokens, model.ContextSize);
        RefuseUnfittable(model, text, answerRoom);
        var mode = ModeFor(request, start, text);
        var systemPrompt = request.SystemPrompt ?? mode.SystemPrompt;

        // A question answered again is asked with what it was asked with before; memories and web results go with the
        // new message, not into the system prompt, so that the system prompt and the history read the same every turn
        // and the prompt cache holds them from one turn to the next.
        var gathered = start.Question is not null || request.History is not null
            ? TurnContext.None
            : await context.GatherAsync(new ContextQuestion(model, mode, systemPrompt, text, conversationId, history, answerRoom), cancellationToken);
        var turnContext = start.Question is { } again ? again.Context : gathered.Text;
        var prompt = TurnContext.Fit(() => prompts.Build(model, systemPrompt, history, text, answerRoom, turnContext, start.Continued?.Content));

        var sampling = defaults.SamplingFor(mode, request.Temperature, request.TopP, request.Seed);
        // The local model reads the prompt as built here, formatted once; any other client reads the messages.
        var options = new PromptedChatOptions(prompt)
        {
            MaxOutputTokens = maxTokens,
            Temperature = sampling.Temperature,
            TopP = sampling.TopP,
            Seed = sampling.Seed,
            StopSequences = [.. prompt.StopStrings, .. request.StopStrings ?? []],
        };

        var storage = StorageFor(request, start, owner);
        return new PreparedChat(
            conversationId,
            mode,
            text,
            storage,
            storage != ExchangeStorage.None && stored is null,
            prompt,
            prompt.ToMessages([.. images.Select(image => new DataContent(image.Data, image.MediaType))]),
            options,
            start.Sources ?? gathered.Sources,
            gathered.Notices)
        {
            Context = turnContext,
            Images = images,
            Place = start.Place,
            Continued = start.Continued,

            // A continued answer stays as remembered as it was; any other is as the request says.
            Remembered = start.Continued?.Details?.Remembered ?? request.Remember ?? true,
        };
    }

    /// <summary>
    /// Streams the answer as the model writes it (text pieces, one content each), then exactly one update ending it
    /// (<see cref="AnswerEnd"/>). Cancelling ends generation before the next token and ends it "stopped"; a failure ends
    /// it with an error. The answer is stored as <see cref="PreparedChat.Storage"/> says.
    /// </summary>
    public async IAsyncEnumerable<ChatResponseUpdate> RunAsync(PreparedChat prepared, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Deleting the conversation stops the answer, whichever transport asked for it.
        using var running = exchanges.Track(prepared, cancellationToken);
        cancellationToken = running.Token;

        var draft = new AnswerDraft(prepared.Continued?.Content);
        long started = time.GetTimestamp();
        long firstPiece = 0;

        // An answer kept from the start has its question stored first; when that fails, the answer ends there.
        var (answerId, ending) = await exchanges.BeginAsync(prepared);
        var checkpoints = exchanges.CheckpointsFor(prepared, answerId);

        await using (var updates = answers.GetStreamingResponseAsync(prepared.Messages, prepared.Options, cancellationToken).GetAsyncEnumerator(cancellationToken))
        {
            while (ending is null)
            {
                ChatResponseUpdate? shown;
                try
                {
                    if (!await updates.MoveNextAsync())
                    {
                        break;
                    }

                    shown = draft.Take(updates.Current);
                }
                catch (Exception e)
                {
                    ending = Failure(e, prepared, cancellationToken);
                    break;
                }

                if (shown is not null)
                {
                    if (firstPiece == 0)
                    {
                        firstPiece = time.GetTimestamp();
                        metrics.FirstToken(time.GetElapsedTime(started, firstPiece));
                    }

                    checkpoints?.Offer(draft.Text);
                    yield return shown;
                }
            }
        }

        if (checkpoints is not null)
        {
            await checkpoints.WhenWrittenAsync();
        }

        ending = answerId is { } begun
            ? await exchanges.FinishAsync(prepared, begun, draft, ending)
            : ending ?? await exchanges.CompleteAsync(prepared, draft);
        metrics.Answered(ending.Outcome, prepared.Mode.Name, (int?)draft.Usage?.OutputTokenCount ?? draft.Pieces, firstPiece == 0 ? TimeSpan.Zero : time.GetElapsedTime(firstPiece), draft.Usage);
        yield return AnswerEnd.Update(ending);
    }

    /// <summary>Runs the pipeline to the end and returns how it ended; the transport for whole answers.</summary>
    public async Task<ChatDone> AnswerAsync(PreparedChat prepared, CancellationToken cancellationToken)
    {
        await foreach (var update in RunAsync(prepared, cancellationToken))
        {
            if (AnswerEnd.Of(update) is { } done)
            {
                return done;
            }
        }

        throw new InvalidOperationException("The pipeline ended without a done event.");
    }

    /// <summary>How a generation that threw ends: stopped by its caller, too busy to start, or failed (what the user may read of why).</summary>
    private ChatDone Failure(Exception e, PreparedChat prepared, CancellationToken cancellationToken)
    {
        switch (e)
        {
            case OperationCanceledException when cancellationToken.IsCancellationRequested:
                return ChatDone.WasStopped();
            case EngineBusyException busy:
                return ChatDone.Busy(busy.Message, busy.RetryAfter);
            default:
                logger.LogError(e, "Generation failed for conversation {ConversationId}", prepared.ConversationId);
                return ChatDone.Failed(e is PromptTooLongException or UnreadableImageException ? e.Message : GenerationFailed);
        }
    }

    /// <summary>The conversation the request goes on; a database that does not answer refuses the request, losing nothing.</summary>
    private async Task<Conversation?> ReadConversationAsync(Guid id, ChatRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return await conversations.GetAsync(id, withImages: request.ParentId is not null || request.ContinueId is not null, cancellationToken);
        }
        catch (Exception e) when (StoreUnavailable.Is(e))
        {
            logger.LogError(e, "Reading conversation {ConversationId} failed", id);
            throw new ChatRequestException(StoreUnavailable.Message, ChatRequestException.Unavailable);
        }
    }

    private IModelLease AcquireModel() => models.Acquire() ?? throw new ChatRequestException(
        models.State == ModelState.Failed ? $"The model could not be loaded: {models.Failure}" : "The model is still loading; try again in a moment.",
        ChatRequestException.Unavailable);

    /// <summary>What depends on the model: whether it sees the images, and the answer's length limit (returned).</summary>
    private int CheckAgainst(IChatModel model, ChatRequest request, IReadOnlyList<ImageAttachment> images)
    {
        if (images.Count > 0 && !model.CanSeeImages)
        {
            throw new ChatRequestException($"This model ({model.Name}) cannot see images; send the message without \"images\", or configure a vision model.");
        }

        int maxTokens = generation.Value.MaxTokensFor(request.MaxTokens, model.ContextSize);
        if (maxTokens < 1 || maxTokens > model.ContextSize)
        {
            throw new ChatRequestException($"\"max_tokens\" must be between 1 and {model.ContextSize} (this model's context size).");
        }

        return maxTokens;
    }

    /// <summary>
    /// Refuses a message that cannot fit however it tokenizes: more bytes than the room left for the prompt could hold
    /// at the vocabulary's longest token. Counting bytes is cheap; reading such a message (mode cues, the tokenizer)
    /// costs far more than the refusal is worth.
    /// </summary>
    private static void RefuseUnfittable(IChatModel model, string message, int answerRoom)
    {
        int room = model.ContextSize - answerRoom;
        long bytes = Encoding.UTF8.GetByteCount(message);
        if (bytes > (long)room * model.LongestTokenBytes)
        {
            throw new ChatRequestException(
                $"The message is too long for this model: its {bytes} bytes of text need more than the {room} tokens of the context's {model.ContextSize} that are left for it once the answer has room.");
        }
    }

    /// <summary>The mode a continued answer was written in, else the one asked for, else the one the message calls for.</summary>
    private ChatMode ModeFor(ChatRequest request, StartingPoint start, string text)
    {
        if (start.Continued?.Details?.Mode is { } written && ChatMode.Find(written) is { } same)
        {
            return same;
        }

        return ChatMode.IsAuto(request.Mode) ? modes.Detect(text).Mode : ChatMode.Find(request.Mode)!;
    }

    /// <summary>
    /// A client that keeps the conversation itself gets no stored copy of it. An answer continued is stored already: it
    /// is reopened at the start, and put back as it was if the continuation fails.
    /// </summary>
    private static ExchangeStorage StorageFor(ChatRequest request, StartingPoint start, AnswerOwner owner) => (start.Continued, request, owner) switch
    {
        ({ }, _, _) => ExchangeStorage.FromTheStart,
        (_, { History: not null }, _) => ExchangeStorage.None,
        (_, _, AnswerOwner.Server) => ExchangeStorage.FromTheStart,
        _ => ExchangeStorage.WhenCompleted,
    };

    /// <summary>Room kept for the answer when fitting history: all of it for short answers, at most a quarter of the context.</summary>
    private static int AnswerRoom(int maxTokens, int contextSize) => Math.Min(maxTokens, contextSize / 4);
}
