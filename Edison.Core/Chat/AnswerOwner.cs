namespace Edison.Core.Chat;

/// <summary>Who an answer belongs to, which decides how it runs and when it is stored.</summary>
public enum AnswerOwner
{
    /// <summary>
    /// The client that asked (<c>/chat</c>, a plain <c>/chat/stream</c>, <c>/v1</c>): it follows the answer alone, its
    /// leaving stops it, and only a completed answer is stored.
    /// </summary>
    Client,

    /// <summary>
    /// Edison (the page, a resumable stream): the answer outlives whoever asked, any page or client may follow it, only
    /// Stop ends it early, and it is stored from the start, however it ends.
    /// </summary>
    Server,
}
