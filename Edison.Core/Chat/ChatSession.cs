using Edison.Core.Conversations;
using Microsoft.Extensions.Logging;

namespace Edison.Core.Chat;

/// <summary>
/// The conversation of one page (one Blazor circuit). It consumes the same <see cref="ChatEvent"/> stream as
/// <c>/chat/stream</c>, and publishes a growing answer at most every <see cref="PublishInterval"/>, always on done
/// and on stop. One cancellation source per reply: a new send, Stop, opening another conversation and disposal
/// cancel it.
/// </summary>
public sealed class ChatSession(
    ChatPipeline pipeline,
    IConversationStore conversations,
    TimeProvider time,
    ILogger<ChatSession> logger) : IDisposable
{
    public static readonly TimeSpan PublishInterval = TimeSpan.FromMilliseconds(50);

    private readonly List<ChatMessage> _messages = [];
    private CancellationTokenSource? _reply;

    /// <summary>Messages were added or removed, a reply started or ended, or the conversation changed.</summary>
    public event Action? Changed;

    /// <summary>The stored conversations changed (a new one, a new title, a deletion).</summary>
    public event Action? ConversationsChanged;

    public IReadOnlyList<ChatMessage> Messages => _messages;

    public Guid? ConversationId { get; private set; }

    public bool IsReplying => _reply is not null;

    /// <summary>Sends a message and streams the answer into a new assistant message; returns when the answer ends.</summary>
    public Task SendAsync(string text, ChatSettings settings, IReadOnlyList<string>? images = null)
    {
        CancelReply();
        var question = new ChatMessage(ChatTurn.User, text, images: images);
        var answer = new ChatMessage(ChatTurn.Assistant, state: ChatMessageState.Waiting);
        _messages.Add(question);
        _messages.Add(answer);
        return StartReply(question, answer, settings);
    }

    /// <summary>Asks again for a failed answer, in place.</summary>
    public Task RetryAsync(ChatMessage failed, ChatSettings settings)
    {
        int index = _messages.IndexOf(failed);
        if (index < 1 || failed.State != ChatMessageState.Failed || IsReplying)
        {
            return Task.CompletedTask;
        }

        var answer = new ChatMessage(ChatTurn.Assistant, state: ChatMessageState.Waiting);
        _messages[index] = answer;
        return StartReply(_messages[index - 1], answer, settings);
    }

    public void Stop() => _reply?.Cancel();

    public async Task OpenAsync(Guid conversationId, CancellationToken cancellationToken)
    {
        if (ConversationId == conversationId)
        {
            return;
        }

        CancelReply();
        var conversation = await conversations.GetAsync(conversationId, cancellationToken);
        _messages.Clear();
        ConversationId = conversation?.Id;
        foreach (var message in conversation?.Messages ?? [])
        {
            _messages.Add(new ChatMessage(message.Role, message.Content));
        }

        Changed?.Invoke();
    }

    public void NewChat()
    {
        CancelReply();
        _messages.Clear();
        ConversationId = null;
        Changed?.Invoke();
    }

    public async Task DeleteAsync(Guid conversationId, CancellationToken cancellationToken)
    {
        await conversations.DeleteAsync(conversationId, cancellationToken);
        if (ConversationId == conversationId)
        {
            NewChat();
        }

        ConversationsChanged?.Invoke();
    }

    public void Dispose() => CancelReply();

    private Task StartReply(ChatMessage question, ChatMessage answer, ChatSettings settings)
    {
        var reply = new CancellationTokenSource();
        _reply = reply;
        Changed?.Invoke();

        // The pipeline decodes on the calling thread between tokens; off the circuit's thread, Stop and other
        // events stay responsive while the model works.
        var replyTask = Task.Run(() => ReplyAsync(question, answer, settings, reply.Token));
        return FinishReplyAsync(replyTask, reply);
    }

    private async Task FinishReplyAsync(Task<TitleRequest?> replyTask, CancellationTokenSource reply)
    {
        var title = await replyTask;
        if (_reply == reply)
        {
            _reply = null;
        }

        reply.Dispose();
        Changed?.Invoke();
        if (title is not null)
        {
            // Only now, with the answer complete and shown, so the title never competes with it.
            ConversationsChanged?.Invoke();
            await Task.Run(() => pipeline.SuggestTitleAsync(title.Chat, title.Answer, CancellationToken.None));
            ConversationsChanged?.Invoke();
        }
    }

    /// <summary>Streams one answer; returns what a title needs when this was a new conversation's first exchange.</summary>
    private async Task<TitleRequest?> ReplyAsync(ChatMessage question, ChatMessage answer, ChatSettings settings, CancellationToken cancellationToken)
    {
        bool firstExchange = ConversationId is null;
        var request = new ChatRequest(
            question.Content,
            settings.Mode,
            ConversationId?.ToString(),
            settings.Remember,
            settings.MaxTokens,
            settings.Temperature,
            question.Images);
        using var throttle = new PublishThrottle(answer, time, settings.StreamResponses);
        TitleRequest? title = null;
        try
        {
            var prepared = await pipeline.PrepareAsync(request, cancellationToken);
            await foreach (var chatEvent in pipeline.RunAsync(prepared, cancellationToken))
            {
                switch (chatEvent)
                {
                    case ChatToken token:
                        answer.Append(token.Text);
                        throttle.TokenArrived();
                        break;
                    case ChatDone { Ok: true } done:
                        ConversationId ??= done.ConversationId;
                        answer.Ground(done.Sources, done.Notices);
                        throttle.Finish(ChatMessageState.Completed);
                        title = settings.Remember && firstExchange ? new TitleRequest(prepared, done.Response!) : null;
                        break;
                    case ChatDone { Stopped: true }:
                        throttle.Finish(ChatMessageState.Stopped);
                        break;
                    case ChatDone done:
                        throttle.Finish(ChatMessageState.Failed, done.Error);
                        break;
                }
            }
        }
        catch (ChatRequestException e)
        {
            throttle.Finish(ChatMessageState.Failed, e.Message);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throttle.Finish(ChatMessageState.Stopped);
        }
        catch (Exception e)
        {
            logger.LogError(e, "A reply failed");
            throttle.Finish(ChatMessageState.Failed, "Something went wrong while answering. Please try again.");
        }

        return title;
    }

    private void CancelReply()
    {
        _reply?.Cancel();
        _reply = null;
    }

    private sealed record TitleRequest(PreparedChat Chat, string Answer);

    /// <summary>
    /// Publishes a growing answer at most once per interval: the first token at once, later ones when the interval
    /// has passed or, if tokens pause, when a timer fires. With streaming off nothing is published until the end.
    /// </summary>
    private sealed class PublishThrottle(ChatMessage message, TimeProvider time, bool streaming) : IDisposable
    {
        private readonly Lock _gate = new();
        private long _lastPublished;
        private ITimer? _timer;
        private bool _published;
        private bool _finished;

        public void TokenArrived()
        {
            if (!streaming)
            {
                return;
            }

            lock (_gate)
            {
                if (_finished || _timer is not null)
                {
                    return;
                }

                var elapsed = time.GetElapsedTime(_lastPublished);
                if (!_published || elapsed >= PublishInterval)
                {
                    PublishLocked();
                    return;
                }

                _timer = time.CreateTimer(_ => OnTimer(), null, PublishInterval - elapsed, Timeout.InfiniteTimeSpan);
            }
        }

        public void Finish(ChatMessageState state, string? error = null)
        {
            lock (_gate)
            {
                if (_finished)
                {
                    return;
                }

                _finished = true;
                _timer?.Dispose();
                _timer = null;
            }

            message.Publish(state, error);
        }

        public void Dispose()
        {
            lock (_gate)
            {
                _timer?.Dispose();
                _timer = null;
            }
        }

        private void OnTimer()
        {
            lock (_gate)
            {
                _timer?.Dispose();
                _timer = null;
                if (!_finished)
                {
                    PublishLocked();
                }
            }
        }

        private void PublishLocked()
        {
            _published = true;
            _lastPublished = time.GetTimestamp();
            message.Publish(ChatMessageState.Streaming);
        }
    }
}
