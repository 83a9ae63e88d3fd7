using System.ComponentModel.DataAnnotations;

namespace Edison.Core.Chat;

/// <summary>Settings under <c>Edison:Chat</c>: limits on what a client may send.</summary>
public sealed class ChatLimits
{
    public const string Section = "Edison:Chat";

    /// <summary>The longest text a client may send as one message, one message of a client-kept history, or a system prompt.</summary>
    [Range(1, 10_000_000)]
    public int MaxMessageCharacters { get; set; } = 100_000;

    /// <summary>All the text of one request together (system prompt, history and message).</summary>
    [Range(1, 100_000_000)]
    public int MaxConversationCharacters { get; set; } = 400_000;

    /// <summary>Largest request body accepted by the HTTP endpoints; larger bodies get 413.</summary>
    [Range(1024, 1L << 30)]
    public long MaxRequestBytes { get; set; } = 24L << 20;

    [Range(0, 16)]
    public int MaxImages { get; set; } = 4;

    /// <summary>Largest image accepted, decoded.</summary>
    [Range(1024, 1 << 30)]
    public int MaxImageBytes { get; set; } = 4 << 20;

    /// <summary>
    /// How often an SSE stream with nothing to send writes a <c>: ping</c> comment (while a request waits for its
    /// turn or a long prompt is read), so proxies keep the connection open.
    /// </summary>
    public TimeSpan PingInterval { get; set; } = TimeSpan.FromSeconds(15);
}
