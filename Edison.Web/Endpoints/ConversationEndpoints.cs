using System.Text.Json;
using Edison.Core.Chat;
using Edison.Core.Conversations;
using Edison.Core.Replies;
using Edison.Core.Transfer;

namespace Edison.Web.Endpoints;

/// <summary>The stored conversations: list, search, read, rename, move between versions, branch, export, import, delete.</summary>
public static class ConversationEndpoints
{
    public static IEndpointRouteBuilder MapEdisonConversations(this IEndpointRouteBuilder endpoints)
    {
        var conversations = endpoints.MapGroup("/api/conversations").AddEndpointFilter<ChatRequestErrorFilter>();
        conversations.MapGet("/", ListAsync);
        conversations.MapGet("/{id}", GetAsync);
        conversations.MapPost("/{id}/show", ShowAsync);
        conversations.MapPost("/{id}/branch", BranchAsync);
        conversations.MapGet("/{id}/export", ExportAsync);
        conversations.MapPost("/import", ImportAsync);
        conversations.MapPatch("/{id}", RenameAsync);
        conversations.MapDelete("/{id}", DeleteAsync);
        return endpoints;
    }

    /// <summary>
    /// Every conversation, newest first; with <c>?q=</c>, those holding every word of it in their title or a message,
    /// the best match first, each with the words around the match.
    /// </summary>
    private static async Task<IResult> ListAsync(string? q, IConversationStore store, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(q))
        {
            return TypedResults.Json(await store.ListAsync(cancellationToken), EdisonJson.Options);
        }

        return await store.SearchTextAsync(q, cancellationToken) is { } hits
            ? TypedResults.Json(hits, EdisonJson.Options)
            : ErrorResponse.Result("\"q\" has no words to search for (letters or digits).", StatusCodes.Status400BadRequest);
    }

    private static async Task<IResult> GetAsync(string id, IConversationStore store, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var key))
        {
            return NotAGuid(id);
        }

        var conversation = await store.GetAsync(key, cancellationToken);
        return conversation is null ? NotFound(key) : TypedResults.Json(conversation, EdisonJson.Options);
    }

    /// <summary>Shows another version of a message (<c>{"message_id":...}</c>) and the branch that follows it; returns the conversation as it now shows.</summary>
    private static async Task<IResult> ShowAsync(
        string id, HttpRequest http, ChatRequestReader reader, IConversationStore store, ConversationLibrary library, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var key))
        {
            return NotAGuid(id);
        }

        var body = await reader.ReadAsync<ShowRequest>(http, cancellationToken);
        if (body.MessageId is not { } messageId)
        {
            return ErrorResponse.Result("\"message_id\" is required: the id of the message to show.", StatusCodes.Status400BadRequest);
        }

        var shown = await library.ShowBranchAsync(key, messageId, cancellationToken);
        return shown is not null ? TypedResults.Json(shown, EdisonJson.Options)
            : await store.GetAsync(key, cancellationToken) is null ? NotFound(key)
            : ErrorResponse.Result($"Conversation {key} has no message {messageId}.", StatusCodes.Status400BadRequest);
    }

    /// <summary>Copies the branch up to a message (<c>{"message_id":...}</c>) into a new conversation; returns its id.</summary>
    private static async Task<IResult> BranchAsync(
        string id, HttpRequest http, ChatRequestReader reader, IConversationStore store, ConversationLibrary library, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var key))
        {
            return NotAGuid(id);
        }

        var body = await reader.ReadAsync<ShowRequest>(http, cancellationToken);
        var conversation = await store.GetAsync(key, cancellationToken);
        if (conversation is null)
        {
            return NotFound(key);
        }

        return body.MessageId is { } messageId && await library.CopyBranchAsync(conversation, messageId, cancellationToken) is { } copy
            ? TypedResults.Json(new { ok = true, conversation_id = copy }, EdisonJson.Options, statusCode: StatusCodes.Status201Created)
            : ErrorResponse.Result($"\"message_id\" must be one of conversation {key}'s messages.", StatusCodes.Status400BadRequest);
    }

    /// <summary><c>?format=json</c> (the default): Edison's JSON, every branch; <c>?format=md</c>: the branch shown, for reading.</summary>
    private static async Task<IResult> ExportAsync(string id, string? format, IConversationStore store, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var key))
        {
            return NotAGuid(id);
        }

        if (format is not (null or "json" or "md"))
        {
            return ErrorResponse.Result($"\"format\" must be json or md, not \"{format}\".", StatusCodes.Status400BadRequest);
        }

        var conversation = await store.GetAsync(key, cancellationToken);
        if (conversation is null)
        {
            return NotFound(key);
        }

        var name = $"edison-{key.ToString("N")[..8]}";
        return format == "md"
            ? TypedResults.File(System.Text.Encoding.UTF8.GetBytes(ConversationFile.ToMarkdown(conversation)), "text/markdown; charset=utf-8", name + ".md")
            : TypedResults.File(
                System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(ConversationFile.ToJson(conversation), EdisonJson.Options),
                "application/json",
                name + ".json");
    }

    /// <summary>Edison's JSON or an OpenAI-style <c>messages</c> array, as a new conversation; a file that does not fit creates nothing.</summary>
    private static async Task<IResult> ImportAsync(HttpRequest http, ChatRequestReader reader, ConversationLibrary library, CancellationToken cancellationToken)
    {
        using var file = await reader.ReadAsync<JsonDocument>(http, cancellationToken);
        var id = await library.ImportAsync(file.RootElement, cancellationToken);
        return TypedResults.Json(new { ok = true, conversation_id = id }, EdisonJson.Options, statusCode: StatusCodes.Status201Created);
    }

    /// <summary>Names a conversation (<c>{"title":"..."}</c>); returns the title as stored, on one line.</summary>
    private static async Task<IResult> RenameAsync(
        string id, HttpRequest http, ChatRequestReader reader, ConversationLibrary library, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var key))
        {
            return NotAGuid(id);
        }

        var body = await reader.ReadAsync<RenameRequest>(http, cancellationToken);
        if (body.Title is not { } name)
        {
            return ErrorResponse.Result("\"title\" is required: the conversation's new name, a string.", StatusCodes.Status400BadRequest);
        }

        return await library.RenameAsync(key, name, cancellationToken) is { } title
            ? TypedResults.Json(new { ok = true, conversation_id = key, title }, EdisonJson.Options)
            : NotFound(key);
    }

    /// <summary>Its answer, if one is being written, stops.</summary>
    private static async Task<IResult> DeleteAsync(string id, ConversationLibrary library, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var key))
        {
            return NotAGuid(id);
        }

        return await library.DeleteAsync(key, cancellationToken) ? TypedResults.NoContent() : NotFound(key);
    }

    private static IResult NotAGuid(string id) =>
        ErrorResponse.Result($"\"{id}\" is not a conversation id (a GUID).", StatusCodes.Status400BadRequest);

    private static IResult NotFound(Guid id) =>
        ErrorResponse.Result($"Conversation {id} does not exist.", StatusCodes.Status404NotFound);

    private sealed record ShowRequest(long? MessageId);

    private sealed record RenameRequest(string? Title);
}
