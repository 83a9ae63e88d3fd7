using System.Text.Json.Serialization;

namespace Edison.Core.Context;

/// <summary>
/// Something that went into an answer's prompt: a remembered exchange from another conversation, or a web search
/// result. On the wire: <c>{"kind":"memory","conversation_id":...,"snippet":...}</c> or
/// <c>{"kind":"web","title":...,"url":...,"snippet":...}</c>.
/// </summary>
public sealed record ChatSource
{
    public const string MemoryKind = "memory";

    public const string WebKind = "web";

    public required string Kind { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Guid? ConversationId { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Title { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Url { get; init; }

    public required string Snippet { get; init; }

    public static ChatSource Memory(Guid conversationId, string snippet) =>
        new() { Kind = MemoryKind, ConversationId = conversationId, Snippet = snippet };

    public static ChatSource Web(string title, string url, string snippet) =>
        new() { Kind = WebKind, Title = title, Url = url, Snippet = snippet };
}
