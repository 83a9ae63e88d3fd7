using System.Runtime.CompilerServices;
using System.Text;
using Edison.Core.Conversations;
using Edison.Core.Inference;
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
    ChatPromptBuilder prompts,
    ModeDetector modes,
    MemoryRetriever memory,
    WebSearch search,
    EdisonMetrics metrics,
    TimeProvider time,
    IOptions<GenerationOptions> generation,
    IOptions<ChatLimits> chat,
    ILogger<ChatPipeline> logger)
{
    private const string TitleInstruction = "Write a title of at most six words for this conversation. Reply with the title only.";
    private const int TitleTokens = 16;
    private const int TitleContextCharacters = 400;
    private const string GenerationFailed = "The model failed while writing the answer. Please try again.";
    private const string NotSaved = "The answer could not be saved. Please try again.";

    /// <summary>Checks the request and builds its prompt; a request Edison will not run throws <see cref="ChatRequestException"/>.</summary>
    public async Task<PreparedChat> PrepareAsync(ChatRequest request, CancellationToken cancellationToken)
    {
        var defaults = generation.Value;
        var (message, conversationId, images) = Validate(request);

        // Held while the prompt is built: a switch meanwhile cannot free the tokenizer under it.
        using var lease = AcquireModel();
        var model = lease.Model;
        int maxTokens = CheckAgainst(model, request, images);

        // A new conversation has no history to look up.
        var stored = request.ConversationId is null ? null : await conversations.GetAsync(conversationId, cancellationToken);
        var start = StartFrom(request, stored, message);
        var (text, history) = (start.Text, request.History ?? History(start.Branch));
        var mode = start.Continued?.Details?.Mode is { } written && ChatMode.Find(written) is { } same ? same
            : ChatMode.IsAuto(request.Mode) ? modes.Detect(text).Mode
            : ChatMode.Find(request.Mode)!;
        var sections = new List<PromptSection>();
        var notices = new List<string>();
        if (start.Question is null && mode.UsesMemory && await memory.RetrieveAsync(model, text, conversationId, history, cancellationToken) is { } remembered)
        {
            sections.Add(remembered);
        }

        if (start.Question is null && search.Wants(mode, text))
        {
            var outcome = await search.SearchAsync(model, text, cancellationToken);
            sections.AddRange(outcome.Section is null ? [] : [outcome.Section]);
            notices.AddRange(outcome.Notice is null ? [] : [outcome.Notice]);
        }

        // Memories and web results go with the new message, not into the system prompt: the system prompt and the
        // history then read the same every turn, and the prompt cache holds them from one turn to the next. A question
        // answered again is asked with what it was asked with before.
        var context = start.Question is { } again ? again.Context
            : sections.Count == 0 ? null
            : string.Join("\n\n", sections.Select(s => s.Text.TrimEnd()));
        ChatPrompt prompt;
        try
        {
            prompt = prompts.Build(
                model, request.SystemPrompt ?? mode.SystemPrompt, history, text, AnswerRoom(maxTokens, model.ContextSize), context, start.Continued?.Content);
        }
        catch (PromptTooLongException e)
        {
            throw new ChatRequestException(e.Message);
        }

        var options = new ChatOptions
        {
            MaxOutputTokens = maxTokens,
            Temperature = request.Temperature ?? defaults.Temperature ?? mode.Temperature,
            TopP = request.TopP ?? defaults.TopP ?? mode.TopP,
            Seed = request.Seed ?? defaults.Seed ?? (uint)Random.Shared.Next(),
            StopSequences = [.. prompt.StopStrings, .. request.StopStrings ?? []],

            // The local model reads the prompt as built here, formatted once; any other client reads the messages.
            RawRepresentationFactory = _ => prompt,
        };

        // A client that keeps the conversation itself gets no stored copy of it. An answer continued is stored
        // already: it is reopened at the start, and put back as it was if the continuation fails.
        var storage = start.Continued is not null ? ExchangeStorage.FromTheStart
            : request.History is not null ? ExchangeStorage.None
            : request.StoresFromTheStart ? ExchangeStorage.FromTheStart
            : ExchangeStorage.WhenCompleted;
        return new PreparedChat(
            conversationId,
            mode,
            text,
            storage,
            storage != ExchangeStorage.None && stored is null,
            prompt,
            Messages(prompt, images),
            options,
            start.Continued?.Details?.Sources.ToList()
                ?? (start.Question is { } asked ? EarlierSources(stored!, asked) : sections.SelectMany(s => s.Sources).ToList()),
            notices)
        {
            Context = context,
            Place = start.Place,
            Continued = start.Continued,

            // A continued answer stays as remembered as it was; any other is as the request says.
            Remembered = start.Continued?.Details?.Remembered ?? request.Remember ?? true,
        };
    }

    /// <summary>
    /// Where the answer starts from: after the answer shown last, or from <see cref="ChatRequest.ParentId"/>; the
    /// question it answers, and the branch before it.
    /// </summary>
    private static StartingPoint StartFrom(ChatRequest request, Conversation? stored, string message)
    {
        var tree = stored?.Tree ?? [];
        if (request.ContinueId is { } continued)
        {
            return ContinueFrom(tree, continued, stored?.Id.ToString() ?? request.ConversationId);
        }

        switch (request.ParentId)
        {
            case null:
                return new StartingPoint(message, ExchangePlace.AfterShown, stored?.Messages ?? [], null);
            case 0:
                return new StartingPoint(Asked(message), ExchangePlace.After(null), [], null);
            case { } id when tree.FirstOrDefault(m => m.Id == id) is { } parent:
                if (parent.Role == ChatTurn.User)
                {
                    return message.Length > 0
                        ? throw new ChatRequestException($"\"parent_id\" {id} is a question: it is answered again as it was asked; send no \"message\" with it, or the id of the answer to follow.")
                        : new StartingPoint(parent.Content, ExchangePlace.AnswerAgain(id), ConversationTree.BranchTo(tree, parent.ParentId), parent);
                }

                return new StartingPoint(Asked(message), ExchangePlace.After(id), ConversationTree.BranchTo(tree, id), null);
            case { } id:
                throw new ChatRequestException($"\"parent_id\" {id} is not a message of conversation {stored?.Id.ToString() ?? request.ConversationId}.");
        }

        static string Asked(string message) => message.Length > 0 ? message : throw new ChatRequestException("\"message\" is required and must not be empty.");
    }

    /// <summary>An answer written more of: its question asked as it was, the answer so far open for the model to go on.</summary>
    private static StartingPoint ContinueFrom(IReadOnlyList<StoredMessage> tree, long answerId, string? conversation)
    {
        var answer = tree.FirstOrDefault(m => m.Id == answerId);
        if (answer is not { Role: ChatTurn.Assistant, ParentId: { } questionId } || tree.FirstOrDefault(m => m.Id == questionId) is not { } question)
        {
            throw new ChatRequestException($"\"continue_id\" {answerId} is not an answer of conversation {conversation}.");
        }

        if (!MessageState.IsHistory(answer.State))
        {
            throw new ChatRequestException($"Answer {answerId} is {answer.State}: only a completed or stopped answer can be continued.");
        }

        if (tree.Any(m => m.ParentId == answerId))
        {
            throw new ChatRequestException($"Answer {answerId} has been replied to: continue the last answer of a branch, or regenerate this one.");
        }

        return new StartingPoint(question.Content, ExchangePlace.AnswerAgain(questionId), ConversationTree.BranchTo(tree, question.ParentId), question)
        {
            Continued = answer,
        };
    }

    /// <summary>What a question answered again was answered from before: its context is read again, so are its sources.</summary>
    private static List<ChatSource> EarlierSources(Conversation stored, StoredMessage question) =>
        [.. stored.Tree.LastOrDefault(m => m.ParentId == question.Id && m.Details is not null)?.Details!.Sources ?? []];

    /// <param name="Question">The stored question answered again, if one is.</param>
    private sealed record StartingPoint(string Text, ExchangePlace Place, IReadOnlyList<StoredMessage> Branch, StoredMessage? Question)
    {
        /// <summary>The answer written more of, if one is.</summary>
        public StoredMessage? Continued { get; init; }
    }

    /// <summary>
    /// Streams the answer's tokens, then exactly one <see cref="ChatDone"/>. Cancelling ends generation before the
    /// next token and yields "stopped"; a failure yields an error. Only a completed answer is stored.
    /// </summary>
    public async IAsyncEnumerable<ChatEvent> RunAsync(PreparedChat prepared, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // A continued answer goes on from its last character, whatever it is.
        var answer = new StringBuilder(prepared.Continued?.Content);
        ChatDone? ending = null;
        long started = time.GetTimestamp();
        long firstPiece = 0;
        int pieces = 0;
        ChatUsage? usage = null;
        long? answerId = null;
        if (prepared.Storage == ExchangeStorage.FromTheStart)
        {
            try
            {
                answerId = prepared.Continued is { } continued
                    ? await conversations.ReopenAnswerAsync(prepared.ConversationId, continued.Id, CancellationToken.None) ? continued.Id
                        : throw new InvalidOperationException($"Answer {continued.Id} could not be reopened.")
                    : await conversations.BeginExchangeAsync(prepared.ConversationId, prepared.Message, prepared.Context, prepared.Place, CancellationToken.None);
            }
            catch (Exception e)
            {
                logger.LogError(e, "Storing the question of conversation {ConversationId} failed", prepared.ConversationId);
                ending = ChatDone.Failed(NotSaved);
            }
        }

        await using (var updates = answers.GetStreamingResponseAsync(prepared.Messages, prepared.Options, cancellationToken).GetAsyncEnumerator(cancellationToken))
        {
            while (ending is null)
            {
                string piece;
                try
                {
                    if (!await updates.MoveNextAsync())
                    {
                        break;
                    }

                    piece = updates.Current.Text;

                    // A token's update is one text and nothing else: only the others can carry usage or the finish.
                    if (updates.Current.FinishReason is not null || updates.Current.Contents is not [TextContent])
                    {
                        usage = Usage(updates.Current, usage);
                    }
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    ending = ChatDone.WasStopped();
                    break;
                }
                catch (EngineBusyException e)
                {
                    ending = ChatDone.Busy(e.Message, e.RetryAfter);
                    break;
                }
                catch (Exception e)
                {
                    logger.LogError(e, "Generation failed for conversation {ConversationId}", prepared.ConversationId);
                    ending = ChatDone.Failed(e is PromptTooLongException or UnreadableImageException ? e.Message : GenerationFailed);
                    break;
                }

                // The answer starts at its first visible character: models often open with a space or newline.
                if (answer.Length == 0)
                {
                    piece = piece.TrimStart();
                }

                if (piece.Length > 0)
                {
                    if (pieces++ == 0)
                    {
                        firstPiece = time.GetTimestamp();
                        metrics.FirstToken(time.GetElapsedTime(started, firstPiece));
                    }

                    answer.Append(piece);
                    yield return new ChatText(piece);
                }
            }
        }

        ending = answerId is { } begun
            ? await FinishAsync(prepared, begun, answer.ToString(), ending, usage)
            : ending ?? await CompleteAsync(prepared, answer.ToString(), usage);
        string outcome = ending.Ok ? "completed" : ending.Stopped == true ? "stopped" : "failed";
        metrics.Answered(
            outcome,
            prepared.Mode.Name,
            ending.Usage?.CompletionTokens ?? pieces,
            firstPiece == 0 ? TimeSpan.Zero : time.GetElapsedTime(firstPiece),
            ending.Usage);
        yield return ending;
    }

    /// <summary>Runs the pipeline to the end and returns its one done event; the transport for whole answers.</summary>
    public async Task<ChatDone> AnswerAsync(PreparedChat prepared, CancellationToken cancellationToken)
    {
        await foreach (var chatEvent in RunAsync(prepared, cancellationToken))
        {
            if (chatEvent is ChatDone done)
            {
                return done;
            }
        }

        throw new InvalidOperationException("The pipeline ended without a done event.");
    }

    /// <summary>
    /// Asks the model for a short title for a conversation's first exchange, after its answer, and stores it. The
    /// title from the first words stays when the model gives nothing usable, and for the demo model, which can only
    /// repeat itself.
    /// </summary>
    public async Task SuggestTitleAsync(PreparedChat prepared, string answer, CancellationToken cancellationToken)
    {
        if (models.Model is not { IsDemo: false } model)
        {
            return;
        }

        try
        {
            var exchange = $"User: {Shorten(prepared.Message)}\nAssistant: {Shorten(answer)}";
            var options = new ChatOptions { MaxOutputTokens = TitleTokens, Temperature = 0, TopP = 1, Seed = 0, StopSequences = ["\n"] };
            var title = new StringBuilder();
            await foreach (var update in answers.GetStreamingResponseAsync([new(ChatRole.System, TitleInstruction), new(ChatRole.User, exchange)], options, cancellationToken))
            {
                title.Append(update.Text);
            }

            var cleaned = title.ToString().Trim().Trim('"', '\'', '*', '#', '.', ' ');
            if (cleaned.Length > 0)
            {
                await conversations.RenameAsync(prepared.ConversationId, ConversationTitle.FromMessage(cleaned), cancellationToken);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "No title could be generated for conversation {ConversationId}", prepared.ConversationId);
        }
    }

    /// <summary>
    /// Why Edison would refuse the request as it stands, or null. The message is checked against the model alone
    /// (memories, web results and history are fitted around it later), so the page can keep it in the box and say
    /// why before it clears the box.
    /// </summary>
    public string? Refusal(ChatRequest request)
    {
        try
        {
            var (text, _, images) = Validate(request);
            var mode = ChatMode.IsAuto(request.Mode) ? modes.Detect(text).Mode : ChatMode.Find(request.Mode)!;
            using var lease = AcquireModel();
            int maxTokens = CheckAgainst(lease.Model, request, images);
            prompts.Build(lease.Model, request.SystemPrompt ?? mode.SystemPrompt, [], text, AnswerRoom(maxTokens, lease.Model.ContextSize));
            return null;
        }
        catch (Exception e) when (e is ChatRequestException or PromptTooLongException)
        {
            return e.Message;
        }
    }

    /// <summary>What can be checked without the model: the text, its sizes, the mode, the ids and sampling numbers, the images.</summary>
    private (string Text, Guid ConversationId, IReadOnlyList<ImageAttachment> Images) Validate(ChatRequest request)
    {
        var text = request.Message ?? string.Empty;

        // A question answered again (parent_id) brings its own text, and so does an answer continued.
        if (string.IsNullOrWhiteSpace(text) && request.Images is not { Count: > 0 } && request.ParentId is null && request.ContinueId is null)
        {
            throw new ChatRequestException("\"message\" is required and must not be empty.");
        }

        if (request.ContinueId is not null && (request.ConversationId is null || request.ParentId is not null || text.Length > 0 || request.Images is { Count: > 0 }))
        {
            throw new ChatRequestException("\"continue_id\" is the id of an answer in the conversation named by \"conversation_id\"; send no \"message\", images or \"parent_id\" with it.");
        }

        CheckSizes(request, text);

        if (!ChatMode.IsAuto(request.Mode) && ChatMode.Find(request.Mode) is null)
        {
            throw new ChatRequestException($"Unknown mode \"{request.Mode}\"; use one of: {ChatMode.ValidNames}.");
        }

        Guid conversationId = Guid.NewGuid();
        if (request.ConversationId is not null && !Guid.TryParse(request.ConversationId, out conversationId))
        {
            throw new ChatRequestException($"\"conversation_id\" must be a GUID; \"{request.ConversationId}\" is not one.");
        }

        if (request.ParentId is { } parentId && (parentId < 0 || request.ConversationId is null || request.History is not null))
        {
            throw new ChatRequestException("\"parent_id\" is the id of a message in the conversation named by \"conversation_id\" (0 for its start).");
        }

        if (request.Temperature is { } temperature && (float.IsNaN(temperature) || temperature is < 0 or > 2))
        {
            throw new ChatRequestException("\"temperature\" must be between 0 and 2.");
        }

        if (request.TopP is { } topP && (float.IsNaN(topP) || topP is <= 0 or > 1))
        {
            throw new ChatRequestException("\"top_p\" must be greater than 0 and at most 1.");
        }

        if (request.History?.FirstOrDefault(t => t.Role is not (ChatTurn.User or ChatTurn.Assistant)) is { } odd)
        {
            throw new ChatRequestException($"A message in the conversation has the role \"{odd.Role}\"; only user and assistant messages can follow the system message.");
        }

        if (request.History is not null && request.ConversationId is not null)
        {
            throw new ChatRequestException("Send either \"conversation_id\" or the conversation's messages, not both.");
        }

        // Every image is checked first, so a client learns what is wrong with it whatever model runs.
        return (text, conversationId, ImageAttachment.ParseAll(request.Images, chat.Value));
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

        int maxTokens = request.MaxTokens ?? Math.Min(generation.Value.MaxTokens, model.ContextSize / 2);
        if (maxTokens < 1 || maxTokens > model.ContextSize)
        {
            throw new ChatRequestException($"\"max_tokens\" must be between 1 and {model.ContextSize} (this model's context size).");
        }

        return maxTokens;
    }

    /// <summary>Every text that reaches the prompt counts: the message, each message of a client-kept history, the system prompt, and all of them together.</summary>
    private void CheckSizes(ChatRequest request, string text)
    {
        var limits = chat.Value;
        void CheckOne(string? value, string name)
        {
            if (value is { Length: var length } && length > limits.MaxMessageCharacters)
            {
                throw new ChatRequestException($"{name} is {length} characters long; Edison accepts at most {limits.MaxMessageCharacters}.");
            }
        }

        CheckOne(text, "\"message\"");
        CheckOne(request.SystemPrompt, "The system message");
        var history = request.History ?? [];
        for (int i = 0; i < history.Count; i++)
        {
            CheckOne(history[i].Content, $"Message {i + 1} of the conversation");
        }

        long total = text.Length + (request.SystemPrompt?.Length ?? 0) + history.Sum(t => (long)t.Content.Length);
        if (total > limits.MaxConversationCharacters)
        {
            throw new ChatRequestException(
                $"The conversation sent is {total} characters long; Edison accepts at most {limits.MaxConversationCharacters} in one request.");
        }
    }

    private static string Shorten(string text) => text.Length <= TitleContextCharacters ? text : text[..TitleContextCharacters];

    private async Task<ChatDone> CompleteAsync(PreparedChat prepared, string answer, ChatUsage? usage)
    {
        if (prepared.Storage == ExchangeStorage.WhenCompleted)
        {
            try
            {
                // The answer is complete: store it even if the client goes away this instant.
                await conversations.AppendExchangeAsync(
                    prepared.ConversationId, prepared.Message, answer, prepared.Context, prepared.Place, Details(prepared, usage), CancellationToken.None);
            }
            catch (Exception e)
            {
                logger.LogError(e, "Storing the exchange of conversation {ConversationId} failed", prepared.ConversationId);
                return ChatDone.Failed(NotSaved);
            }
        }

        return ChatDone.Completed(prepared.Mode.Name, answer, prepared.ConversationId, prepared.Sources, prepared.Notices, usage);
    }

    /// <summary>Stores how a begun answer ended: as the user saw it, completed, stopped or failed.</summary>
    private async Task<ChatDone> FinishAsync(PreparedChat prepared, long answerId, string answer, ChatDone? ending, ChatUsage? usage)
    {
        var done = ending ?? ChatDone.Completed(prepared.Mode.Name, answer, prepared.ConversationId, prepared.Sources, prepared.Notices, usage);
        var state = done.Ok ? MessageState.Completed : done.Stopped == true ? MessageState.Stopped : MessageState.Failed;
        var (details, error) = (Details(prepared, usage), done.Error);
        if (prepared.Continued is { } before && state == MessageState.Failed)
        {
            // A continuation that failed leaves the answer as it was: the failure is the done event's to tell.
            (answer, state, details, error) = (before.Content, before.State, before.Details, before.Error);
        }

        try
        {
            // The answer has ended: store it even if the client goes away this instant.
            await conversations.FinishExchangeAsync(
                prepared.ConversationId, answerId, prepared.Message, answer, state, error, details, CancellationToken.None);
            return done;
        }
        catch (Exception e)
        {
            logger.LogError(e, "Storing the answer of conversation {ConversationId} failed", prepared.ConversationId);
            return ChatDone.Failed(NotSaved);
        }
    }

    private static AnswerDetails Details(PreparedChat prepared, ChatUsage? usage) =>
        new(prepared.Mode.Name, usage?.CutOff ?? false, prepared.Sources, prepared.Remembered);

    /// <summary>The fitted conversation for the model; the images go with the user's last message.</summary>
    private static List<ChatMessage> Messages(ChatPrompt prompt, IReadOnlyList<ImageAttachment> images)
    {
        var messages = prompt.Turns.Select(t => new ChatMessage(new ChatRole(t.Role), t.Content)).ToList();
        foreach (var image in images)
        {
            messages[^1].Contents.Insert(0, new DataContent(image.Data, image.MediaType));
        }

        return messages;
    }

    /// <summary>Token counts and how the answer ended, from whichever update reports them (the last, usually).</summary>
    private static ChatUsage? Usage(ChatResponseUpdate update, ChatUsage? sofar)
    {
        var details = update.Contents.OfType<UsageContent>().FirstOrDefault()?.Details;
        if (details is null && update.FinishReason is null)
        {
            return sofar;
        }

        return new ChatUsage(
            (int?)details?.InputTokenCount ?? sofar?.PromptTokens ?? 0,
            (int?)details?.CachedInputTokenCount ?? sofar?.CachedTokens ?? 0,
            (int?)details?.OutputTokenCount ?? sofar?.CompletionTokens ?? 0,
            update.FinishReason is { } reason ? reason == ChatFinishReason.Length : sofar?.CutOff ?? false);
    }

    /// <summary>
    /// A branch as the user saw it: each question with its answer, completed or stopped (as far as it got). A question
    /// whose answer failed, or is still being written, is left out with it.
    /// </summary>
    private static List<ChatTurn> History(IReadOnlyList<StoredMessage> branch)
    {
        var history = new List<ChatTurn>(branch.Count);
        for (int i = 0; i + 1 < branch.Count; i += 2)
        {
            if (MessageState.IsHistory(branch[i + 1].State))
            {
                // Read with what it was asked with: the prompt then starts as the previous turn's did, token for token.
                history.Add(new ChatTurn(branch[i].Role, ChatPromptBuilder.WithContext(branch[i].Content, branch[i].Context)));
                history.Add(new ChatTurn(branch[i + 1].Role, branch[i + 1].Content));
            }
        }

        return history;
    }

    /// <summary>Room kept for the answer when fitting history: all of it for short answers, at most a quarter of the context.</summary>
    private static int AnswerRoom(int maxTokens, int contextSize) => Math.Min(maxTokens, contextSize / 4);
}
