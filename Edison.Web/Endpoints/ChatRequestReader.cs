using System.Text.Json;
using Edison.Core.Chat;
using Microsoft.Extensions.Options;

namespace Edison.Web.Endpoints;

/// <summary>Reads a chat request body within the size limit, turning every client mistake into a clear error.</summary>
public sealed class ChatRequestReader(IOptions<ChatLimits> options)
{
    /// <summary>Any JSON request body, with the same limit and errors.</summary>
    public async Task<T> ReadAsync<T>(HttpRequest request, CancellationToken cancellationToken)
        where T : class => Parse<T>(await ReadBodyAsync(request, cancellationToken));

    /// <summary>
    /// A <c>/chat</c> or <c>/chat/stream</c> body: the request, and how the client wants it streamed (fields of the same
    /// JSON object, checked alike on both).
    /// </summary>
    public async Task<(ChatRequest Request, ChatStreamOptions Stream)> ReadChatRequestAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var body = await ReadBodyAsync(request, cancellationToken);
        return (Parse<ChatRequest>(body), Parse<ChatStreamOptions>(body));
    }

    /// <summary>The body's bytes: JSON, within the size limit, not empty, and UTF-8 throughout.</summary>
    private async Task<ReadOnlyMemory<byte>> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        // A browser sends text/plain or a form across sites without asking first; JSON it must ask for (CORS).
        if (!request.HasJsonContentType())
        {
            throw new ChatRequestException(
                "Send the request body as JSON, with \"Content-Type: application/json\".",
                StatusCodes.Status415UnsupportedMediaType);
        }

        long limit = options.Value.MaxRequestBytes;
        if (request.ContentLength > limit)
        {
            throw TooLarge(limit);
        }

        // Read with a hard cap: a chunked body has no Content-Length to check up front.
        var body = new MemoryStream();
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(buffer, cancellationToken)) > 0)
        {
            if (body.Length + read > limit)
            {
                throw TooLarge(limit);
            }

            body.Write(buffer, 0, read);
        }

        if (body.Length == 0)
        {
            throw new ChatRequestException("The request body is empty; send a JSON object such as {\"message\":\"hi\"}.");
        }

        NonUnicodeText.Refuse(body.GetBuffer().AsSpan(0, (int)body.Length));
        return body.GetBuffer().AsMemory(0, (int)body.Length);
    }

    private static T Parse<T>(ReadOnlyMemory<byte> body)
        where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<T>(body.Span, EdisonJson.Options)
                ?? throw new ChatRequestException("The request body must be a JSON object, not null.");
        }
        catch (JsonException e)
        {
            throw new ChatRequestException(Describe(e, typeof(T)));
        }
    }

    private static ChatRequestException TooLarge(long limit) =>
        new($"The request body is larger than Edison accepts ({limit} bytes).", StatusCodes.Status413PayloadTooLarge);

    /// <summary>
    /// A client's mistake in its own terms: the field and the JSON it expects there (a string, a whole number, ...), or
    /// where the JSON itself breaks; never a .NET type name.
    /// </summary>
    private static string Describe(JsonException e, Type body)
    {
        // A value of the wrong kind, as opposed to JSON that breaks off or is malformed.
        bool wrongKind = e.Message.StartsWith("The JSON value could not be converted", StringComparison.Ordinal);
        if (wrongKind && e.Path is { } path && JsonFields.TypeAt(body, path) is { } expected)
        {
            return path == "$"
                ? $"The request body must be {JsonFields.Describe(expected)}."
                : $"\"{path[2..]}\" must be {JsonFields.Describe(expected)}.";
        }

        var where = e.Path is { Length: > 1 } at ? $" at {at}" : string.Empty;
        var what = e.Message.Split(" Path:", 2)[0].Split(". LineNumber", 2)[0].TrimEnd('.');
        return $"The request body is not valid JSON: {what}{where}.";
    }
}
