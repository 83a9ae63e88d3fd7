using System.Runtime.CompilerServices;
using System.Text;
using Edison.Core.Chat;
using Edison.Core.Conversations;
using Edison.Core.Inference.Tools;
using Microsoft.Extensions.AI;

namespace Edison.Core.Replies;

/// <summary>
/// One answer, from its start to its stored end, and the one thing every transport follows: every update the pipeline
/// produced so far, numbered from 1, so that whoever follows it can attach, catch up and follow it to its end.
/// <see cref="Stop"/> ends it early, as does the server stopping and, for an answer its client owns, the client leaving.
/// </summary>
public sealed class Answer
{
    private readonly Lock _gate = new();
    private readonly List<ChatResponseUpdate> _events = [];
    private readonly StringBuilder _text = new();
    private readonly StringBuilder _reasoning = new();
    private readonly List<ToolRun> _tools = [];
    private readonly ThinkingClock _thinking;
    private readonly CancellationTokenSource _stop = new();
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<ChatDone> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _titleStop = new();

    // Set by the answer's own run, read by the next question's start on another thread.
    private volatile Task _titling = Task.CompletedTask;
    private string? _textSnapshot;
    private string? _reasoningSnapshot;

    internal Answer(PreparedChat prepared, IReadOnlyList<string> images, AnswerOwner owner, TimeProvider time)
    {
        Prepared = prepared;
        Images = images;
        Owner = owner;
        _thinking = new ThinkingClock(time);

        // A continued answer is shown whole as it grows, from what it said before.
        _text.Append(prepared.Continued?.Content);
    }

    public Guid ConversationId => Prepared.ConversationId;

    public AnswerOwner Owner { get; }

    /// <summary>
    /// Whether the conversation still waits for its title from the model: the title asked for after an earlier answer
    /// gave way to this answer's question.
    /// </summary>
    internal bool WantsTitle { get; init; }

    public string Question => Prepared.Message;

    /// <summary>The images sent with the question, as data URLs.</summary>
    public IReadOnlyList<string> Images { get; }

    public PreparedChat Prepared { get; }

    /// <summary>Raised after each update (a piece of the answer, then its end); may be raised on any thread.</summary>
    public event Action? Changed;

    /// <summary>How it ended; null while it runs.</summary>
    public ChatDone? Done => _ended.Task.IsCompletedSuccessfully ? _ended.Task.Result : null;

    public bool IsRunning => Done is null;

    /// <summary>Completes with how the answer ended.</summary>
    public Task<ChatDone> Ended => _ended.Task;

    /// <summary>The answer so far.</summary>
    public string Text
    {
        get
        {
            lock (_gate)
            {
                return _textSnapshot ??= _text.ToString();
            }
        }
    }

    /// <summary>A thinking model's thinking so far; empty when it does not think.</summary>
    public string Reasoning
    {
        get
        {
            lock (_gate)
            {
                return _reasoningSnapshot ??= _reasoning.ToString();
            }
        }
    }

    /// <summary>
    /// How long the model has thought (while it thinks) or thought (once its answer started or it ended), the same for
    /// every page that follows the answer, however late it came; null before any thinking.
    /// </summary>
    public TimeSpan? ThinkingTime
    {
        get
        {
            lock (_gate)
            {
                return _thinking.Elapsed;
            }
        }
    }

    /// <summary>The calls of Edison's tools so far: each as it was made, then with its result or error once it ended.</summary>
    public IReadOnlyList<ToolRun> Tools
    {
        get
        {
            lock (_gate)
            {
                return [.. _tools];
            }
        }
    }

    /// <summary>Whether the answer has called a tool yet; asked for every update, so it copies nothing.</summary>
    public bool HasTools
    {
        get
        {
            lock (_gate)
            {
                return _tools.Count > 0;
            }
        }
    }

    /// <summary>Whether any of the answer's text is there yet; asked for every update, so it copies nothing.</summary>
    public bool HasText
    {
        get
        {
            lock (_gate)
            {
                return _text.Length > 0;
            }
        }
    }

    /// <summary>Whether the model has thought yet; asked for every update, so it copies nothing.</summary>
    public bool HasThinking
    {
        get
        {
            lock (_gate)
            {
                return _reasoning.Length > 0;
            }
        }
    }

    internal CancellationToken StopToken => _stop.Token;

    /// <summary>Asks the model for the conversation's title after this answer; <see cref="StopTitleAsync"/> stops it.</summary>
    internal Task SuggestTitleAsync(Func<CancellationToken, Task> suggest, CancellationToken stopping)
    {
        var both = CancellationTokenSource.CreateLinkedTokenSource(_titleStop.Token, stopping);
        _titling = suggest(both.Token).ContinueWith(_ => both.Dispose(), TaskScheduler.Default);
        return _titling;
    }

    /// <summary>
    /// Stops the title being written, if one is: it holds the conversation's cached tokens, which the next question
    /// should read from rather than read the conversation again beside it. True when a title was stopped unwritten.
    /// </summary>
    internal async Task<bool> StopTitleAsync()
    {
        var titling = _titling;
        if (titling.IsCompleted)
        {
            return false;
        }

        await _titleStop.CancelAsync();
        await titling;
        return true;
    }

    public void Stop()
    {
        if (IsRunning)
        {
            _stop.Cancel();
        }
    }

    /// <summary>Whether a reader that saw update <paramref name="lastSeen"/> has seen the whole answer: it ended at or before that update.</summary>
    public bool HasEndedBy(int lastSeen)
    {
        lock (_gate)
        {
            return Done is not null && lastSeen >= _events.Count;
        }
    }

    /// <summary>
    /// The updates after <paramref name="lastSeen"/> (0 for all), each with its number, then the rest as they come, up
    /// to and including its end; nothing when the answer ended at or before <paramref name="lastSeen"/>. Cancelling ends
    /// the reading, not the answer (unless its client owns it and that was its client leaving).
    /// </summary>
    public async IAsyncEnumerable<(int Id, ChatResponseUpdate Update)> ReadAsync(int lastSeen, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        int next = Math.Max(0, lastSeen);
        while (!HasEndedBy(next))
        {
            Task arrival;
            List<ChatResponseUpdate> ready;
            lock (_gate)
            {
                ready = next < _events.Count ? _events.GetRange(next, _events.Count - next) : [];
                arrival = _next.Task;
            }

            foreach (var update in ready)
            {
                yield return (++next, update);
                if (AnswerEnd.Of(update) is not null)
                {
                    yield break;
                }
            }

            if (ready.Count == 0)
            {
                await arrival.WaitAsync(cancellationToken);
            }
        }
    }

    internal void Add(ChatResponseUpdate update)
    {
        TaskCompletionSource arrived;
        lock (_gate)
        {
            _events.Add(update);
            foreach (var content in update.Contents)
            {
                switch (content)
                {
                    case TextContent { Text: var text }:
                        _text.Append(text);
                        _textSnapshot = null;
                        _thinking.Answered();
                        break;
                    case TextReasoningContent { Text: var thought }:
                        _reasoning.Append(thought);
                        _reasoningSnapshot = null;
                        _thinking.Thought();
                        break;
                    case FunctionCallContent call:
                        var made = FunctionCalls.FromContent(call);
                        _tools.Add(new ToolRun(made.Id, made.Name, made.Arguments, Round: 0));
                        break;
                    case ToolRunContent { Run: var run } when _tools.FindIndex(t => t.Id == run.Id) is >= 0 and var index:
                        _tools[index] = run;
                        break;
                    case ToolRunContent { Run: var run }:
                        _tools.Add(run);
                        break;
                    case AnswerEnd { Done: var done }:
                        _thinking.Answered();
                        _ended.TrySetResult(done);
                        break;
                }
            }

            arrived = _next;
            _next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        arrived.TrySetResult();
        Changed?.Invoke();
    }
}
