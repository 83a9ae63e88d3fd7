using Edison.Core.Conversations;

namespace Edison.Web.Endpoints;

/// <summary>The stored conversations: list, read, delete.</summary>
public static class ConversationEndpoints
{
    public static IEndpointRouteBuilder MapEdisonConversations(this IEndpointRouteBuilder endpoints)
    {
        var conversations = endpoints.MapGroup("/api/conversations").AddEndpointFilter<ChatRequestErrorFilter>();
        conversations.MapGet("/", ListAsync);
        conversations.MapGet("/{id}", GetAsync);
        conversations.MapPost("/{id}/show", ShowAsync);
        conversations.MapDelete("/{id}", DeleteAsync);
        return endpoints;
    }

    private static async Task<IResult> ListAsync(IConversationStore store, CancellationToken cancellationToken) =>
        TypedResults.Json(await store.ListAsync(cancellationToken), EdisonJson.Options);

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
    private static async Task<IResult> ShowAsync(string id, HttpRequest http, ChatRequestReader reader, IConversationStore store, CancellationToken cancellationToken)
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

        var shown = await store.ShowBranchAsync(key, messageId, cancellationToken);
        return shown is not null ? TypedResults.Json(shown, EdisonJson.Options)
            : await store.GetAsync(key, cancellationToken) is null ? NotFound(key)
            : ErrorResponse.Result($"Conversation {key} has no message {messageId}.", StatusCodes.Status400BadRequest);
    }

    private static async Task<IResult> DeleteAsync(string id, IConversationStore store, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var key))
        {
            return NotAGuid(id);
        }

        return await store.DeleteAsync(key, cancellationToken) ? TypedResults.NoContent() : NotFound(key);
    }

    private static IResult NotAGuid(string id) =>
        ErrorResponse.Result($"\"{id}\" is not a conversation id (a GUID).", StatusCodes.Status400BadRequest);

    private static IResult NotFound(Guid id) =>
        ErrorResponse.Result($"Conversation {id} does not exist.", StatusCodes.Status404NotFound);

    private sealed record ShowRequest(long? MessageId);
}
