using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Edison.Core.Chat;
using Edison.Core.Conversations;
using Edison.Core.Inference.Prompts;

namespace Edison.Core.Transfer;

/// <summary>
/// A conversation taken out of Edison and brought back: Markdown for reading (the branch shown), and Edison's JSON,
/// which keeps everything (every branch, the one shown, times, stopped and failed answers, what questions were asked
/// with, how answers were made: mode, cut off, sources). An import also takes an OpenAI-style <c>messages</c> array, as one branch.
/// </summary>
public static class ConversationFile
{
    public const string Format = "edison.conversation";

    public const int Version = 1;

    /// <summary>Edison's own JSON of a conversation (snake_case, as the API writes it).</summary>
    public static ExportedConversation ToJson(Conversation conversation) => new(
        Format,
        Version,
        conversation.Id,
        conversation.Title,
        conversation.Updated,
        conversation.Messages.Count > 0 ? conversation.Messages[^1].Id : null,
        [.. conversation.Tree.Select(m => new ExportedMessage(m.Id, m.ParentId, m.Role, m.Content, m.Created, m.State, m.Error, m.Context, m.Details, m.Images))]);

    /// <summary>The branch shown, for reading.</summary>
    public static string ToMarkdown(Conversation conversation)
    {
        var text = new StringBuilder($"# {conversation.Title}\n\n");
        foreach (var message in conversation.Messages)
        {
            var who = message.Role == ChatTurn.User ? "You" : "Edison";
            text.Append($"**{who}** · {message.Created:yyyy-MM-dd HH:mm} UTC");
            text.Append(message.State switch
            {
                MessageState.Stopped => " · stopped",
                MessageState.Failed => $" · failed: {message.Error}",
                MessageState.Answering => " · being written",
                _ when message.Details?.CutOff == true => " · cut off at the length limit",
                _ => string.Empty,
            });
            if (message.Images is { Count: > 0 } images)
            {
                text.Append(images.Count == 1 ? " · with 1 image" : $" · with {images.Count} images");
            }

            text.Append("\n\n");
            if (message.Details?.Reasoning is { } thought)
            {
                // Folded where Markdown folds (GitHub and most readers), as the page shows it.
                text.Append("<details><summary>Thought</summary>\n\n").Append(thought.TrimEnd()).Append("\n\n</details>\n\n");
            }

            foreach (var run in message.Details?.Tools ?? [])
            {
                // In fenced blocks: a tool's result is a web page's or a program's text, never Markdown of the file's own.
                var fence = new string('`', Math.Max(3, LongestRun(run.Arguments + run.Outcome, '`') + 1));
                text.Append($"<details><summary>Called {run.Name}{(run.Error is null ? "" : " (failed)")}</summary>\n\n")
                    .Append($"{fence}json\n{run.Arguments}\n{fence}\n\n{fence}\n{run.Outcome.TrimEnd()}\n{fence}\n\n</details>\n\n");
            }

            text.Append(message.Content.TrimEnd()).Append("\n\n");
        }

        return text.ToString();
    }

    private static int LongestRun(string text, char character)
    {
        int longest = 0, run = 0;
        foreach (char c in text)
        {
            run = c == character ? run + 1 : 0;
            longest = Math.Max(longest, run);
        }

        return longest;
    }

    /// <summary>
    /// The conversation a file describes, checked whole before anything is stored: its title, its messages (file ids,
    /// parents first) and the one to show. A file that does not fit throws <see cref="ChatRequestException"/>. A message
    /// the file gives no time (OpenAI-style messages never do) is dated <paramref name="now"/>.
    /// </summary>
    public static (string Title, IReadOnlyList<StoredMessage> Messages, long? ShownId) Read(JsonElement file, ChatLimits limits, DateTimeOffset now)
    {
        if (file.ValueKind != JsonValueKind.Object || !file.TryGetProperty("messages", out var list) || list.ValueKind != JsonValueKind.Array)
        {
            throw Bad("The file must be a JSON object with a \"messages\" array (Edison's export, or OpenAI-style messages).");
        }

        bool edison = file.TryGetProperty("format", out var format) && format.ValueKind == JsonValueKind.String && format.GetString() == Format;
        var messages = new List<StoredMessage>();
        int index = 0;
        foreach (var item in list.EnumerateArray())
        {
            index++;
            var message = edison ? EdisonMessage(item, index, messages, now) : OpenAiMessage(item, index, messages, now);
            if (message is null)
            {
                continue;
            }

            if (message.Content.Length > limits.MaxMessageCharacters)
            {
                throw Bad($"Message {index} is {message.Content.Length} characters long; Edison accepts at most {limits.MaxMessageCharacters}.");
            }

            messages.Add(edison ? message with { Images = Images(item, index, message.Role, limits) } : message);
        }

        if (messages.Count == 0)
        {
            throw Bad("The file has no user or assistant messages to import.");
        }

        long? shown = edison && file.TryGetProperty("shown_id", out var shownId) && shownId.ValueKind == JsonValueKind.Number ? shownId.GetInt64() : null;
        if (shown is { } id && messages.All(m => m.Id != id))
        {
            throw Bad($"\"shown_id\" {id} is not one of the file's messages.");
        }

        var title = edison && file.TryGetProperty("title", out var t) && t.ValueKind == JsonValueKind.String && t.GetString() is { Length: > 0 } named
            ? ConversationTitle.FromMessage(named)
            : ConversationTitle.FromMessage(messages.First(m => m.Role == ChatTurn.User).Content);
        return (title, messages, shown);
    }

    /// <summary>Reads a file and stores it as a new conversation, whose id it returns; a bad file stores nothing.</summary>
    public static async Task<Guid> ImportAsync(IConversationStore store, JsonElement file, ChatLimits limits, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var (title, messages, shown) = Read(file, limits, now);
        var id = Guid.NewGuid();
        await store.CreateAsync(id, title, messages, shown, cancellationToken);
        return id;
    }

    /// <summary>Reads a file as it was uploaded (the page's import) and stores it; a file that is not JSON is refused like a bad one.</summary>
    public static async Task<Guid> ImportAsync(IConversationStore store, Stream file, ChatLimits limits, DateTimeOffset now, CancellationToken cancellationToken)
    {
        using var bytes = new MemoryStream();
        await file.CopyToAsync(bytes, cancellationToken);
        var json = bytes.GetBuffer().AsMemory(0, (int)bytes.Length);
        NonUnicodeText.Refuse(json.Span);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException)
        {
            throw Bad("it is not valid JSON.");
        }

        using (document)
        {
            return await ImportAsync(store, document.RootElement, limits, now, cancellationToken);
        }
    }

    private static StoredMessage EdisonMessage(JsonElement item, int index, List<StoredMessage> earlier, DateTimeOffset now)
    {
        var role = Text(item, "role", index);
        if (role is not (ChatTurn.User or ChatTurn.Assistant))
        {
            throw Bad($"Message {index} has the role \"{role}\"; a conversation holds user and assistant messages.");
        }

        long id = item.TryGetProperty("id", out var idValue) && idValue.TryGetInt64(out var given) ? given : throw Bad($"Message {index} has no \"id\" (a number).");
        long? parent = item.TryGetProperty("parent_id", out var p) && p.ValueKind == JsonValueKind.Number ? p.GetInt64() : null;
        if (earlier.Any(m => m.Id == id))
        {
            throw Bad($"Message {index} repeats the id {id}.");
        }

        if (parent is { } parentId && !earlier.Any(m => m.Id == parentId))
        {
            throw Bad($"Message {index} follows message {parentId}, which does not come before it in the file.");
        }

        var state = item.TryGetProperty("state", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString()! : MessageState.Completed;
        if (state is not (MessageState.Completed or MessageState.Stopped or MessageState.Failed or MessageState.Answering))
        {
            throw Bad($"Message {index} has the state \"{state}\"; use completed, stopped or failed.");
        }

        return new StoredMessage(
            id,
            parent,
            role,
            Text(item, "content", index),
            item.TryGetProperty("created", out var c) && c.TryGetDateTimeOffset(out var created) ? created : now,

            // An answer that was being written when it was exported was cut short there.
            state == MessageState.Answering ? MessageState.Failed : state,
            item.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null,
            item.TryGetProperty("context", out var x) && x.ValueKind == JsonValueKind.String ? x.GetString() : null)
        {
            Details = !item.TryGetProperty("details", out var d) || d.ValueKind == JsonValueKind.Null ? null
                : role == ChatTurn.Assistant && d.ValueKind == JsonValueKind.Object && AnswerDetails.Read(d) is { } details ? details
                : throw Bad($"Message {index} has \"details\" that are not an answer's (mode, cut_off, sources; each of its tools an id, a function name, arguments that are a JSON object and a round)."),
        };
    }

    /// <summary>One branch: each message follows the one before; a system message is the client's, not the conversation's.</summary>
    private static StoredMessage? OpenAiMessage(JsonElement item, int index, List<StoredMessage> earlier, DateTimeOffset now)
    {
        var role = Text(item, "role", index);
        if (role == ChatTurn.System)
        {
            return null;
        }

        if (role is not (ChatTurn.User or ChatTurn.Assistant))
        {
            throw Bad($"Message {index} has the role \"{role}\"; a conversation holds user and assistant messages.");
        }

        var expected = earlier.Count % 2 == 0 ? ChatTurn.User : ChatTurn.Assistant;
        if (role != expected)
        {
            throw Bad($"Message {index} is {WithArticle(role)} message where {WithArticle(expected)} message should be: questions and answers take turns, starting with a question.");
        }

        var content = Text(item, "content", index);
        var reasoning = role == ChatTurn.Assistant && item.TryGetProperty("reasoning_content", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
        if (role == ChatTurn.Assistant && InlineThinking(content) is var (thought, answer))
        {
            (content, reasoning) = (answer, reasoning ?? thought);
        }

        return new StoredMessage(earlier.Count + 1, earlier.Count == 0 ? null : earlier.Count, role, content, now)
        {
            Details = string.IsNullOrWhiteSpace(reasoning) ? null : new AnswerDetails(Mode: null, CutOff: false, Sources: [], Reasoning: reasoning.Trim()),
        };
    }

    /// <summary>
    /// An answer a client kept with its thinking inline, as many keep a thinking model's (<c>&lt;think&gt;…&lt;/think&gt;</c>
    /// before the answer): the thinking and the answer apart; null for any other answer.
    /// </summary>
    private static (string Thought, string Answer)? InlineThinking(string content)
    {
        const string open = "<think>";
        const string close = "</think>";
        var start = content.TrimStart();
        int end = start.IndexOf(close, StringComparison.Ordinal);
        return start.StartsWith(open, StringComparison.Ordinal) && end > 0
            ? (start[open.Length..end], start[(end + close.Length)..].TrimStart())
            : null;
    }

    private static string WithArticle(string role) => role == ChatTurn.Assistant ? $"an {role}" : $"a {role}";

    /// <summary>A question's images in a file, checked as a request's are; null for none.</summary>
    private static IReadOnlyList<string>? Images(JsonElement item, int index, string role, ChatLimits limits)
    {
        if (!item.TryGetProperty("images", out var list) || list.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (role != ChatTurn.User || list.ValueKind != JsonValueKind.Array || list.EnumerateArray().Any(image => image.ValueKind != JsonValueKind.String))
        {
            throw Bad($"Message {index} has \"images\" that are not a question's (a list of data URLs).");
        }

        try
        {
            var images = ImageAttachment.ParseAll([.. list.EnumerateArray().Select(image => image.GetString())], limits);
            return images.Count > 0 ? [.. images.Select(image => image.DataUrl)] : null;
        }
        catch (ChatRequestException e)
        {
            throw Bad($"Message {index}: {e.Message}");
        }
    }

    private static string Text(JsonElement item, string name, int index) =>
        item.ValueKind == JsonValueKind.Object && item.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw Bad($"Message {index} has no \"{name}\" (a string).");

    private static ChatRequestException Bad(string message) => new($"This file cannot be imported: {message}");
}

/// <summary>Edison's JSON of a conversation.</summary>
public sealed record ExportedConversation(
    string Format,
    int Version,
    Guid Id,
    string Title,
    DateTimeOffset Updated,
    long? ShownId,
    IReadOnlyList<ExportedMessage> Messages);

public sealed record ExportedMessage(
    long Id,
    long? ParentId,
    string Role,
    string Content,
    DateTimeOffset Created,
    string State,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Error,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Context,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] AnswerDetails? Details,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? Images);
