namespace Edison.Core.Chat;

/// <summary>A request Edison will not run, with the message to show the client and an HTTP-style status.</summary>
public sealed class ChatRequestException(string message, int statusCode = ChatRequestException.BadRequest) : Exception(message)
{
    public const int BadRequest = 400;
    public const int NotFound = 404;
    public const int Conflict = 409;
    public const int Unavailable = 503;

    public int StatusCode { get; } = statusCode;
}
