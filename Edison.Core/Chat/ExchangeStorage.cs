namespace Edison.Core.Chat;

/// <summary>When, and what of, a request's exchange is stored.</summary>
public enum ExchangeStorage
{
    /// <summary>Nothing: <c>remember: false</c>, or a client that keeps the conversation itself.</summary>
    None,

    /// <summary>Only an answer that completed, question and answer together (the HTTP API's contract).</summary>
    WhenCompleted,

    /// <summary>
    /// The question as soon as the answer starts, then the answer however it ends: completed, stopped with its text so
    /// far, or failed with the error (what the page shows, and answers that outlive their client).
    /// </summary>
    FromTheStart,
}
