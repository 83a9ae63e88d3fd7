namespace Edison.Core.Conversations;

/// <summary>Where a new exchange goes in a conversation's tree.</summary>
public readonly record struct ExchangePlace
{
    /// <summary>
    /// After the answer shown last, creating the conversation if it does not exist: how a new conversation starts. Every
    /// other place is in a conversation that must still exist, so one deleted while it was answered is not created again.
    /// </summary>
    public static ExchangePlace AfterShown => default;

    /// <summary>Whether the exchange creates its conversation when there is none (see <see cref="AfterShown"/>).</summary>
    public bool MayCreateConversation => !HasParent && QuestionId is null;

    /// <summary>Whether <see cref="ParentId"/> was chosen rather than the answer shown.</summary>
    public bool HasParent { get; private init; }

    /// <summary>The answer a new question follows; null for a question that starts the conversation.</summary>
    public long? ParentId { get; private init; }

    /// <summary>A stored question answered again: no question is written, the answer goes beside its earlier ones.</summary>
    public long? QuestionId { get; private init; }

    /// <summary>A new question after <paramref name="answerId"/>, or at the start (null): an edit goes beside the question it replaces.</summary>
    public static ExchangePlace After(long? answerId) => new() { HasParent = true, ParentId = answerId };

    public static ExchangePlace AnswerAgain(long questionId) => new() { QuestionId = questionId };
}
