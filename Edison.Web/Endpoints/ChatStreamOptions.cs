namespace Edison.Web.Endpoints;

/// <summary>How a <c>/chat/stream</c> client wants its answer streamed, beside the request's own fields.</summary>
/// <param name="Resumable">
/// <c>true</c>: Edison owns the answer instead of the connection. Events carry ids, a disconnect does not stop it,
/// <c>GET /chat/stream/{conversation_id}</c> resumes it and <c>POST /chat/stop/{conversation_id}</c> stops it.
/// </param>
public sealed record ChatStreamOptions(bool? Resumable);
