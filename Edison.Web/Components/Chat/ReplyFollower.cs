using Edison.Core.Chat;
using Edison.Core.Replies;

namespace Edison.Web.Components.Chat;

/// <summary>
/// One page following one reply: its answer bubble shows the reply's text at most once per interval (the first
/// token at once, later ones when the interval has passed or, if tokens pause, when a timer fires), and always its
/// end. With streaming off nothing is shown until the end.
/// </summary>
internal sealed class ReplyFollower : IDisposable
{
    private readonly Lock _gate = new();
    private readonly ChatBubble _answer;
    private readonly TimeProvider _time;
    private readonly bool _streaming;
    private readonly Action _ended;
    private long _lastPublished;
    private ITimer? _timer;
    private bool _published;
    private bool _finished;

    public ReplyFollower(Answer reply, ChatBubble answer, TimeProvider time, bool streaming, Action ended)
    {
        (Reply, _answer, _time, _streaming, _ended) = (reply, answer, time, streaming, ended);
        reply.Changed += OnChanged;
        OnChanged();
    }

    public Answer Reply { get; }

    public void Dispose()
    {
        Reply.Changed -= OnChanged;
        lock (_gate)
        {
            _finished = true;
            _timer?.Dispose();
            _timer = null;
        }
    }

    private void OnChanged()
    {
        if (Reply.Done is { } done)
        {
            Finish(done);
            return;
        }

        if (!_streaming || !Reply.HasText && !Reply.HasThinking && !Reply.HasTools)
        {
            return;
        }

        lock (_gate)
        {
            if (_finished || _timer is not null)
            {
                return;
            }

            var elapsed = _time.GetElapsedTime(_lastPublished);
            if (!_published || elapsed >= ChatSession.PublishInterval)
            {
                PublishLocked();
                return;
            }

            _timer = _time.CreateTimer(_ => OnTimer(), null, ChatSession.PublishInterval - elapsed, Timeout.InfiniteTimeSpan);
        }
    }

    private void Finish(ChatDone done)
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

        _answer.Ground(done);
        var state = done.Ok ? BubbleState.Completed : done.Stopped == true ? BubbleState.Stopped : BubbleState.Failed;
        _answer.Show(done.Response ?? Reply.Text, state, done.Error, Reply.Reasoning.Trim(), ThinkingSeconds(), Reply.Tools);
        _ended();
    }

    /// <summary>
    /// How long the model has thought: counted up in whole seconds while it thinks, then the whole of it once the answer
    /// starts; null before any thinking (and for a model that does not think).
    /// </summary>
    private int? ThinkingSeconds() => Reply.ThinkingTime switch
    {
        null => null,
        { } thought when Reply.HasText || Reply.Done is not null => ThoughtSeconds.Of(thought),
        { } thinking => (int)thinking.TotalSeconds is > 0 and var seconds ? seconds : null,
    };

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
        _lastPublished = _time.GetTimestamp();
        _answer.Show(Reply.Text, BubbleState.Streaming, reasoning: Reply.Reasoning, thinkingSeconds: ThinkingSeconds(), tools: Reply.Tools);
    }
}
