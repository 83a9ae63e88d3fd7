using Edison.Core.Chat;
using Edison.Core.Context;
using Edison.Core.Conversations;

namespace Edison.Web.Components.Chat;

public enum BubbleState
{
    /// <summary>Asked, nothing shown yet (or streaming is off and the answer is being written).</summary>
    Waiting,
    Streaming,
    Completed,
    Stopped,
    Failed,
}

/// <summary>
/// One message as the page shows it. Its text is replaced from a background thread while renders read it, so readers
/// only ever see <see cref="Content"/>, an immutable snapshot replaced at each published change.
/// </summary>
public sealed class ChatBubble(string role, string content = "", BubbleState state = BubbleState.Completed, IReadOnlyList<string>? images = null, string? error = null)
{
    private readonly Lock _gate = new();
    private volatile string _content = content;
    private volatile string? _error = error;
    private volatile string _reasoning = string.Empty;
    private int _version;

    /// <summary>Raised after the visible content or state changed; may be raised on any thread.</summary>
    public event Action? Changed;

    public Guid Id { get; } = Guid.NewGuid();

    public string Role { get; } = role;

    public string Content => _content;

    /// <summary>Images sent with a user's message, as data URLs.</summary>
    public IReadOnlyList<string> Images { get; } = images ?? [];

    public BubbleState State { get; private set; } = state;

    public string? Error => _error;

    /// <summary>A thinking model's thinking before the answer; empty when it did not think. Never part of <see cref="Content"/>.</summary>
    public string Reasoning => _reasoning;

    /// <summary>
    /// Whole seconds the model has thought so far (while it thinks) or thought in all (once the answer started); null
    /// when unknown, as for an answer stored before Edison kept it.
    /// </summary>
    public int? ThinkingSeconds { get; private set; }

    /// <summary>Whether the model is thinking now: thinking shown, no answer yet, still being written.</summary>
    public bool IsThinking => IsInProgress && _reasoning.Length > 0 && _content.Length == 0;

    /// <summary>The memories and web results the answer was written with; shown under it.</summary>
    public IReadOnlyList<ChatSource> Sources { get; private set; } = [];

    /// <summary>What the user should know about how the answer was made, such as a failed web search.</summary>
    public IReadOnlyList<string> Notices { get; private set; } = [];

    /// <summary>True when the length limit, not the model, ended the answer.</summary>
    public bool CutOff { get; private set; }

    /// <summary>
    /// The stored message shown: its id, the message it follows and its versions. Null until the store has it (an
    /// answer being written is identified when it ends).
    /// </summary>
    public StoredMessage? Stored { get; private set; }

    /// <summary>Which of its versions this is (1-based), with <see cref="StoredMessage.Siblings"/> of them.</summary>
    public int BranchPosition => Stored is { } stored ? stored.SiblingIds.ToList().IndexOf(stored.Id) + 1 : 1;

    /// <summary>Grows with every published change, so a view can tell whether it is out of date.</summary>
    public int Version => Volatile.Read(ref _version);

    public bool IsInProgress => State is BubbleState.Waiting or BubbleState.Streaming;

    /// <summary>The calls the answer made to Edison's tools, as they ran and with what came of them.</summary>
    public IReadOnlyList<ToolRun> Tools { get; private set; } = [];

    /// <summary>Shows the answer (and the thinking, when given) as it now stands and tells the views.</summary>
    /// <param name="tools">The calls of Edison's tools so far, when the answer made any.</param>
    public void Show(string text, BubbleState state, string? error = null, string? reasoning = null, int? thinkingSeconds = null, IReadOnlyList<ToolRun>? tools = null)
    {
        lock (_gate)
        {
            _content = text;
            Tools = tools is { Count: > 0 } ? tools : Tools;
            _error = error;
            _reasoning = reasoning ?? _reasoning;
            ThinkingSeconds = thinkingSeconds ?? ThinkingSeconds;
            State = state;
            _version++;
        }

        Changed?.Invoke();
    }

    /// <summary>Ties the bubble to its stored message, and tells the views (its versions or details may have changed).</summary>
    public void Identify(StoredMessage stored)
    {
        lock (_gate)
        {
            if (Stored is { } known && known.Id == stored.Id && known.SiblingIds.SequenceEqual(stored.SiblingIds) && known.Details == stored.Details)
            {
                return;
            }

            Stored = stored;

            // How a stored answer was made shows again after a reload; answers stored before Edison kept it show none.
            if (stored.Details is { } details)
            {
                Sources = details.Sources;
                CutOff = details.CutOff;
                _reasoning = details.Reasoning ?? _reasoning;
                ThinkingSeconds = details.ThoughtSeconds ?? ThinkingSeconds;
                Tools = details.Tools ?? Tools;
            }

            _version++;
        }

        Changed?.Invoke();
    }

    /// <summary>Records how a completed answer was made and ended; visible with the next <see cref="Show"/>.</summary>
    public void Ground(ChatDone done)
    {
        lock (_gate)
        {
            Sources = done.Sources ?? [];
            Notices = done.Notices ?? [];
            CutOff = done.FinishReason == "length";
        }
    }

    /// <summary>A stored message as the page shows it.</summary>
    public static ChatBubble FromStored(StoredMessage message)
    {
        var bubble = message.State switch
        {
            MessageState.Stopped => new ChatBubble(message.Role, message.Content, BubbleState.Stopped),
            MessageState.Failed => new ChatBubble(message.Role, message.Content, BubbleState.Failed, error: message.Error),

            // Still marked as being written, with no reply writing it here: Edison stopped (or another node holds it).
            MessageState.Answering => new ChatBubble(message.Role, message.Content, BubbleState.Failed, error: MessageState.InterruptedError),
            _ => new ChatBubble(message.Role, message.Content, images: message.Images),
        };
        bubble.Identify(message);
        return bubble;
    }
}
