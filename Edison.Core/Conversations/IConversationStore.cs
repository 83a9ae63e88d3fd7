
namespace Edison.Core.Conversations;

/// <summary>Stored conversations. Writes are whole exchanges, so a conversation is never half-written.</summary>
public interface IConversationStore
{
    Task InitializeAsync(CancellationToken cancellationToken);

    Task<IReadOnlyList<ConversationSummary>> ListAsync(CancellationToken cancellationToken);

    Task<Conversation?> GetAsync(Guid id, CancellationToken cancellationToken) => GetAsync(id, withImages: true, cancellationToken);

    /// <summary>
    /// The conversation; with <paramref name="withImages"/> false its questions' images are left out (null): a
    /// conversation sent with images is mostly images, and a read for its text or its ids does not carry them.
    /// </summary>
    Task<Conversation?> GetAsync(Guid id, bool withImages, CancellationToken cancellationToken);

    /// <summary>
    /// Adds the user's message and the completed answer in one transaction, creating the conversation if new (see
    /// <see cref="ExchangePlace.AfterShown"/>); the answer becomes the one shown. <paramref name="context"/> is what went
    /// with the message into its prompt (see <see cref="StoredMessage.Context"/>). Answering a stored question again
    /// writes the answer only. Throws <see cref="ConversationDeletedException"/>, writing nothing, when the conversation
    /// it goes on in no longer exists.
    /// </summary>
    Task AppendExchangeAsync(Guid id, AskedQuestion question, string answer, string? context, ExchangePlace place, AnswerDetails? details, CancellationToken cancellationToken) =>
        WriteExchangeAsync(id, question, context, place, answer, MessageState.Completed, details, cancellationToken);

    /// <summary>
    /// Stores the user's message and an answer still being written (<see cref="MessageState.Answering"/>), creating the
    /// conversation if new, so that the question is kept whatever happens to the answer; the answer becomes the one
    /// shown. Returns the answer's id. Like <see cref="AppendExchangeAsync"/>, refuses a conversation that no longer exists.
    /// </summary>
    Task<long> BeginExchangeAsync(Guid id, AskedQuestion question, string? context, ExchangePlace place, CancellationToken cancellationToken) =>
        WriteExchangeAsync(id, question, context, place, string.Empty, MessageState.Answering, details: null, cancellationToken);

    /// <summary>
    /// The question (unless one is answered again) and its answer in <paramref name="state"/>, in one transaction; the
    /// answer becomes the one shown and, once completed, joins the memory index. Returns the answer's id. What
    /// <see cref="AppendExchangeAsync"/> and <see cref="BeginExchangeAsync"/> write; each store has only its SQL for it.
    /// </summary>
    Task<long> WriteExchangeAsync(
        Guid id, AskedQuestion question, string? context, ExchangePlace place, string answer, string state, AnswerDetails? details, CancellationToken cancellationToken);

    /// <summary>Shows the branch ending at <paramref name="leafId"/>, a message of the conversation; false when there is none such.</summary>
    Task<bool> ShowAsync(Guid id, long leafId, CancellationToken cancellationToken);

    /// <summary>
    /// Keeps the text a begun answer has so far, while it is still being written, so that what was shown of it
    /// survives Edison being killed (read back as the answer's content); one cheap write, outside the full-text index,
    /// which changes nothing once the answer has ended.
    /// </summary>
    /// <param name="details">How it is being made, a thinking model's thinking so far with it; null leaves them as they are.</param>
    Task SaveAnswerSoFarAsync(Guid id, long answerId, string answer, AnswerDetails? details, CancellationToken cancellationToken);

    /// <summary>
    /// Stores how a begun answer ended: its text as far as it got, completed, stopped or failed (with the error). A
    /// completed one joins the memory index unless its details say it is not remembered (see <see cref="AnswerDetails.JoinsMemory"/>).
    /// Nothing is written when the conversation was deleted meanwhile.
    /// </summary>
    Task FinishExchangeAsync(
        Guid id, long answerId, string userMessage, string answer, string state, string? error, AnswerDetails? details, CancellationToken cancellationToken);

    /// <summary>
    /// Marks a stored answer as being written again (Continue): <see cref="MessageState.Answering"/>, shown, and out of
    /// the memory index until <see cref="FinishExchangeAsync"/> stores how it ended. False when the conversation has no
    /// such answer.
    /// </summary>
    Task<bool> ReopenAnswerAsync(Guid id, long answerId, CancellationToken cancellationToken);

    /// <summary>
    /// Creates a conversation holding <paramref name="messages"/> (an import, a branch copied to a new chat) in one
    /// transaction: their ids are the file's own, renumbered here; each parent comes before its children; the branch
    /// ending at <paramref name="shownId"/> is shown. Its completed, remembered exchanges join the memory index.
    /// </summary>
    Task CreateAsync(Guid id, string title, IReadOnlyList<StoredMessage> messages, long? shownId, CancellationToken cancellationToken);

    /// <summary>
    /// Gives an existing conversation a new title; false when it does not exist, or when <paramref name="replacing"/> is
    /// given and the title is no longer that one (a title Edison suggests never replaces the one a person chose).
    /// </summary>
    Task<bool> RenameAsync(Guid id, string title, string? replacing, CancellationToken cancellationToken);

    /// <summary>Deletes a conversation, its messages and its place in the memory index together.</summary>
    Task<bool> DeleteAsync(Guid id, CancellationToken cancellationToken);

    /// <summary>
    /// Conversations whose title or messages hold every one of the terms (see <see cref="MemoryQuery.AllTerms"/>), the
    /// best match first, each with a snippet of where it matched.
    /// </summary>
    Task<IReadOnlyList<ConversationHit>> SearchAsync(IReadOnlyList<string> terms, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Stored exchanges containing any of the terms (see <see cref="MemoryQuery"/>), the best matches first, the
    /// user's words counting more than the answer's, from every conversation but one.
    /// </summary>
    Task<IReadOnlyList<RememberedExchange>> SearchExchangesAsync(IReadOnlyList<string> terms, Guid excluding, int limit, CancellationToken cancellationToken);
}

public sealed record ConversationSummary(Guid Id, string Title, DateTimeOffset Updated);

/// <param name="Snippet">The words around the match, in the message (or the title) that matched best.</param>
public sealed record ConversationHit(Guid Id, string Title, DateTimeOffset Updated, string Snippet);

/// <param name="Messages">The branch shown: from the first question to the answer shown last.</param>
public sealed record Conversation(Guid Id, string Title, DateTimeOffset Updated, IReadOnlyList<StoredMessage> Messages)
{
    /// <summary>Every message of every branch, oldest first.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyList<StoredMessage> Tree { get; init; } = Messages;
}

/// <param name="Id">The message's id, unique in the store; later messages have larger ones.</param>
/// <param name="ParentId">The message this one follows (a question's is the answer before it); null for a first question.</param>
/// <param name="State">One of <see cref="MessageState"/>; a question is always completed.</param>
/// <param name="Error">Why a failed answer failed.</param>
/// <param name="Context">
/// The memories and web results a question was asked with. Later turns read it again where it was, so the prompt
/// starts with the tokens the model already read (the prompt cache holds them) and says what the answer was made from.
/// </param>
public sealed record StoredMessage(
    long Id,
    long? ParentId,
    string Role,
    string Content,
    DateTimeOffset Created,
    string State = MessageState.Completed,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? Error = null,
    [property: System.Text.Json.Serialization.JsonIgnore] string? Context = null)
{
    /// <summary>The messages that follow the same one as this (itself included), oldest first: the versions a switcher moves between.</summary>
    public IReadOnlyList<long> SiblingIds { get; init; } = [Id];

    /// <summary>How many versions of this message there are.</summary>
    public int Siblings => SiblingIds.Count;

    /// <summary>The images a question was sent with, as data URLs; null for none.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Images { get; init; }

    /// <summary>How an answer was made; null for a question, or an answer stored before Edison kept it.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public AnswerDetails? Details { get; init; }
}

/// <summary>How a stored answer stands.</summary>
public static class MessageState
{
    public const string Completed = "completed";

    /// <summary>Being written now, or cut short by Edison stopping while it was (see the store's start-up).</summary>
    public const string Answering = "answering";

    /// <summary>The error of an answer Edison stopped in the middle of: how the page and the store both tell it.</summary>
    public const string InterruptedError = "Edison stopped while this answer was being written.";

    public const string Stopped = "stopped";

    public const string Failed = "failed";

    /// <summary>What a conversation's next prompt reads: what the user saw of an answer, completed or stopped.</summary>
    public static bool IsHistory(string state) => state is Completed or Stopped;
}
