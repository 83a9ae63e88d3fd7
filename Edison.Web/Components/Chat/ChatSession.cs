using Edison.Core.Chat;
using Edison.Core.Conversations;
using Edison.Core.Inference.Models;
using Edison.Core.Inference.Prompts;
using Edison.Core.Replies;

namespace Edison.Web.Components.Chat;

/// <summary>
/// What one page (one Blazor circuit) shows: a conversation's stored messages and, when it is being answered, the
/// answer, followed as it grows. The page's answers belong to Edison (<see cref="AnswerOwner.Server"/>): leaving,
/// reloading or losing the page does not stop them, and every page on the conversation shows the same answer; Stop from
/// any of them stops it. A growing answer is published at most every <see cref="PublishInterval"/>, always on its end.
/// </summary>
public sealed class ChatSession : IDisposable
{
    public static readonly TimeSpan PublishInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>What an action that does not apply to the message returns: nothing refused, nothing sent.</summary>
    private static readonly Task<string?> Nothing = Task.FromResult<string?>(null);

    private readonly Answers _answers;
    private readonly IChatModelSource _models;
    private readonly ConversationEvents _events;
    private readonly IConversationStore _conversations;
    private readonly ConversationLibrary _library;
    private readonly TimeProvider _time;
    private readonly ShownBubbles _bubbles = new();
    private readonly Lock _followingGate = new();
    private ReplyFollower? _following;

    public ChatSession(
        Answers answers, IChatModelSource models, ConversationEvents events, IConversationStore conversations, ConversationLibrary library, TimeProvider time)
    {
        (_answers, _models, _events, _conversations, _library, _time) = (answers, models, events, conversations, library, time);
        _answers.Started += OnAnswerStarted;
        _events.Changed += OnConversationsChanged;
        _events.BranchShown += OnBranchShown;
        _events.Deleted += OnDeleted;
    }

    /// <summary>Messages were added or removed, a reply started or ended, or the conversation changed; may be raised on any thread.</summary>
    public event Action? Changed;

    /// <summary>The stored conversations changed (a new one, a new title, a deletion); may be raised on any thread.</summary>
    public event Action? ConversationsChanged;

    /// <summary>The conversation shown was deleted elsewhere (another page, the API): the session shows a new chat now.</summary>
    public event Action? ShownConversationDeleted;

    public IReadOnlyList<ChatBubble> Messages => _bubbles.Copy();

    public Guid? ConversationId { get; private set; }

    /// <summary>The page's "Stream responses" setting: off, an answer is shown once, when it ends.</summary>
    public bool StreamResponses { get; set; } = true;

    /// <summary>Whether the conversation shown is being answered now (by this page or another).</summary>
    public bool IsReplying => _following?.Reply.IsRunning == true;

    /// <summary>
    /// Sends a message: the conversation gets its id at once (a new one for a new chat) and the answer is written by a
    /// live reply this page follows. Returns why Edison refused the message (the page keeps it in the box), or null.
    /// </summary>
    public Task<string?> SendAsync(string text, ChatSettings settings, IReadOnlyList<string>? images = null) =>
        StartAsync(text, settings, images, parentId: null);

    /// <summary>Answers the last question again: the new answer goes beside the old ones, which stay as other versions.</summary>
    public Task<string?> RegenerateAsync(ChatBubble answer, ChatSettings settings) =>
        _bubbles.IsLastEnded(answer) && _bubbles.Before(answer)?.Stored is { } question ? StartAsync(null, settings, null, question.Id) : Nothing;

    /// <summary>Writes more of the last answer, which the length limit cut off: appended to it and stored as one answer.</summary>
    public Task<string?> ContinueAsync(ChatBubble answer, ChatSettings settings) =>
        _bubbles.IsLastEnded(answer) && answer.CutOff && answer.Stored is { } stored ? StartAsync(null, settings, null, parentId: null, continueId: stored.Id) : Nothing;

    /// <summary>Asks an edited question in place of one: the original, and all that followed it, stay as another version.</summary>
    public Task<string?> EditAsync(ChatBubble question, string text, ChatSettings settings) =>
        question.Role == ChatTurn.User && question.Stored is { } stored ? StartAsync(text, settings, null, stored.ParentId ?? 0) : Nothing;

    /// <summary>Copies the branch shown, up to a message, into a new conversation; its id, or null when the message is not stored.</summary>
    public async Task<Guid?> BranchToNewChatAsync(ChatBubble message, CancellationToken cancellationToken) =>
        ConversationId is { } id && message.Stored is { } stored && await _conversations.GetAsync(id, cancellationToken) is { } conversation
            ? await _library.CopyBranchAsync(conversation, stored.Id, cancellationToken)
            : null;

    /// <summary>Shows the previous (-1) or next (+1) version of a message and the conversation as it went on from it.</summary>
    public async Task ShowVersionAsync(ChatBubble bubble, int step, CancellationToken cancellationToken)
    {
        int at = bubble.BranchPosition - 1 + step;
        if (IsReplying || ConversationId is not { } id || bubble.Stored is not { } stored || at < 0 || at >= stored.Siblings)
        {
            return;
        }

        // Every page on the conversation shows the new branch, this one through the same announcement.
        await _library.ShowBranchAsync(id, stored.SiblingIds[at], cancellationToken);
    }

    /// <summary>
    /// Starts a live reply this page follows; the conversation gets its id at once (a new one for a new chat). With a
    /// <paramref name="parentId"/> the answer starts from that point (see <see cref="ChatRequest.ParentId"/>); with a
    /// <paramref name="continueId"/> it writes more of that answer.
    /// </summary>
    private async Task<string?> StartAsync(string? text, ChatSettings settings, IReadOnlyList<string>? images, long? parentId, long? continueId = null)
    {
        if (IsReplying)
        {
            return "Edison is still answering; wait for the answer, or stop it first.";
        }

        var id = ConversationId ?? Guid.NewGuid();
        var request = new ChatRequest(text, settings.Mode, id.ToString(), settings.Remember, MaxTokensFor(settings), settings.Temperature, images)
        {
            ParentId = parentId,
            ContinueId = continueId,

            // "Off" is a wish the model may not be able to grant: the page asks only a model that can answer without thinking.
            Think = settings.Think || _models.Model?.Thinking?.Off is null ? null : false,
            MaxReasoningTokens = settings.MaxReasoningTokens,
        };
        StreamResponses = settings.StreamResponses;
        Answer reply;
        try
        {
            reply = await _answers.StartAsync(request, AnswerOwner.Server, CancellationToken.None);
        }
        catch (ChatRequestException e)
        {
            return e.Message;
        }

        ConversationId = id;
        ShowReply(reply);
        return null;
    }

    /// <summary>
    /// The saved answer length, within what the model loaded now can hold: a length saved for a larger model (or before
    /// another was loaded) is the person's "as long as it may be", not a reason to refuse every message.
    /// </summary>
    private int? MaxTokensFor(ChatSettings settings) =>
        settings.MaxTokens is { } saved && _models.Model is { } model ? Math.Min(saved, model.ContextSize) : settings.MaxTokens;

    /// <summary>
    /// Asks again for a failed answer: a stored question is answered again, the new answer beside the failed one (which
    /// stays as a version, with the images it was sent with); one that was not stored is sent again.
    /// </summary>
    public Task<string?> RetryAsync(ChatBubble failed, ChatSettings settings)
    {
        if (failed.State != BubbleState.Failed || IsReplying || _bubbles.Before(failed) is not { } question)
        {
            return Nothing;
        }

        return question.Stored is { } stored && _bubbles.IsLastEnded(failed)
            ? StartAsync(null, settings, null, stored.Id)
            : SendAsync(question.Content, settings, question.Images);
    }

    /// <summary>Stops the conversation's answer, for every page that shows it.</summary>
    public void Stop()
    {
        if (ConversationId is { } id)
        {
            _answers.Stop(id);
        }
    }

    /// <summary>
    /// Shows a stored conversation, and its answer being written, if there is one, as it grows. False when there is no
    /// such conversation: the page shows a new chat.
    /// </summary>
    public async Task<bool> OpenAsync(Guid conversationId, CancellationToken cancellationToken)
    {
        if (ConversationId == conversationId)
        {
            return true;
        }

        Unfollow();
        var conversation = await _conversations.GetAsync(conversationId, cancellationToken);
        var messages = conversation?.Messages ?? [];
        bool answering = messages.Count >= 2 && messages[^1].State == MessageState.Answering;

        // A reply that ended just after the conversation was read still shows, from the reply, how it ended.
        var live = _answers.Find(conversationId) is { } reply && (reply.IsRunning || answering) ? reply : null;
        lock (_followingGate)
        {
            // While the conversation was read the page still showed the one it leaves, and followed any answer started
            // there meanwhile: it lets that go as it moves.
            Unfollow();
            ConversationId = conversation?.Id ?? (live is not null ? conversationId : null);
        }

        // The live reply's question and answer are stored as it runs; they are shown from the reply instead.
        _bubbles.ShowStored(live is not null && answering ? messages.Take(messages.Count - 2).ToList() : messages);

        if (live is not null)
        {
            ShowReply(live);
        }
        else
        {
            Changed?.Invoke();
        }

        return ConversationId is not null;
    }

    public void NewChat()
    {
        Unfollow();
        _bubbles.ShowStored([]);
        ConversationId = null;
        Changed?.Invoke();
    }

    /// <summary>Deletes a conversation (its answer stops); when it is the one shown, the page shows a new chat.</summary>
    public async Task DeleteAsync(Guid conversationId, CancellationToken cancellationToken)
    {
        if (ConversationId == conversationId)
        {
            NewChat();
        }

        await _library.DeleteAsync(conversationId, cancellationToken);
    }

    /// <summary>The page is gone: it stops following, the answer goes on.</summary>
    public void Dispose()
    {
        _answers.Started -= OnAnswerStarted;
        _events.Changed -= OnConversationsChanged;
        _events.BranchShown -= OnBranchShown;
        _events.Deleted -= OnDeleted;
        Unfollow();
    }

    /// <summary>A reply ended: its question and answer are stored now, so the bubbles learn their ids and versions.</summary>
    private async Task IdentifyAsync(Guid conversationId)
    {
        try
        {
            var stored = (await _conversations.GetAsync(conversationId, withImages: false, CancellationToken.None))?.Messages ?? [];
            if (ConversationId == conversationId && _bubbles.Identify(stored))
            {
                Changed?.Invoke();
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The page keeps what it shows; only its branch buttons wait for the next time it is opened.
        }
    }

    /// <summary>Another page started an answer in the conversation shown here: show it too.</summary>
    private void OnAnswerStarted(Answer answer) => ShowReply(answer);

    private void OnConversationsChanged() => ConversationsChanged?.Invoke();

    private void OnDeleted(Guid conversationId)
    {
        if (conversationId == ConversationId)
        {
            NewChat();
            ShownConversationDeleted?.Invoke();
        }
    }

    /// <summary>A page (this one, another, or a client) showed another version in the conversation shown here: follow it.</summary>
    private void OnBranchShown(Conversation shown)
    {
        if (shown.Id == ConversationId && !IsReplying)
        {
            _bubbles.ShowStored(shown.Messages);
            Changed?.Invoke();
        }
    }

    private void ShowReply(Answer reply)
    {
        var question = new ChatBubble(ChatTurn.User, reply.Question, images: reply.Images);
        var answer = new ChatBubble(ChatTurn.Assistant, reply.Text, BubbleState.Waiting);
        lock (_followingGate)
        {
            // This page's own start and the announcement of it (through Started, on another thread) both arrive here,
            // as do the answers of every other conversation; checked under the lock the page moves under.
            if (_following?.Reply == reply || reply.ConversationId != ConversationId)
            {
                return;
            }

            Unfollow();
            _bubbles.ShowReply(reply.Prepared.Place, question, answer);
            _following = new ReplyFollower(reply, answer, _time, StreamResponses, () =>
            {
                Changed?.Invoke();
                _ = IdentifyAsync(reply.ConversationId);
            });
        }

        Changed?.Invoke();
    }

    private void Unfollow()
    {
        var following = Interlocked.Exchange(ref _following, null);
        following?.Dispose();
    }
}
