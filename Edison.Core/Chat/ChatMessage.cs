namespace Edison.Core.Chat;

public enum ChatMessageState
{
    /// <summary>Asked, nothing shown yet (or streaming is off and the answer is being written).</summary>
    Waiting,
    Streaming,
    Completed,
    Stopped,
    Failed,
}

/// <summary>
/// One message as the page shows it. The text grows on a background thread while renders read it, so readers
/// only ever see <see cref="Content"/>, an immutable snapshot replaced at each published change.
/// </summary>
public sealed class ChatMessage(string role, string content = "", ChatMessageState state = ChatMessageState.Completed, IReadOnlyList<string>? images = null)
{
    private readonly System.Text.StringBuilder _pending = new(content);
    private readonly Lock _gate = new();
    private volatile string _content = content;
    private volatile string? _error;
    private int _version;

    /// <summary>Raised after the visible content or state changed; may be raised on any thread.</summary>
    public event Action? Changed;

    public Guid Id { get; } = Guid.NewGuid();

    public string Role { get; } = role;

    public string Content => _content;

    /// <summary>Images sent with a user's message, as data URLs.</summary>
    public IReadOnlyList<string> Images { get; } = images ?? [];

    public ChatMessageState State { get; private set; } = state;

    public string? Error => _error;

    /// <summary>The memories and web results the answer was written with; shown under it.</summary>
    public IReadOnlyList<ChatSource> Sources { get; private set; } = [];

    /// <summary>What the user should know about how the answer was made, such as a failed web search.</summary>
    public IReadOnlyList<string> Notices { get; private set; } = [];

    /// <summary>Grows with every published change, so a view can tell whether it is out of date.</summary>
    public int Version => Volatile.Read(ref _version);

    public bool IsInProgress => State is ChatMessageState.Waiting or ChatMessageState.Streaming;

    internal void Append(string text)
    {
        lock (_gate)
        {
            _pending.Append(text);
        }
    }

    /// <summary>Records where a completed answer came from; visible with the next publish.</summary>
    internal void Ground(IReadOnlyList<ChatSource>? sources, IReadOnlyList<string>? notices)
    {
        lock (_gate)
        {
            Sources = sources ?? [];
            Notices = notices ?? [];
        }
    }

    /// <summary>Makes what was appended visible and tells the views.</summary>
    internal void Publish(ChatMessageState state, string? error = null)
    {
        lock (_gate)
        {
            _content = _pending.ToString();
            _error = error;
            State = state;
            _version++;
        }

        Changed?.Invoke();
    }
}
