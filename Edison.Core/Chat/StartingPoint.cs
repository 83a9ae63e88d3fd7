using Edison.Core.Context;
using Edison.Core.Conversations;
using Edison.Core.Inference.Prompts;
using Edison.Core.Inference.Tools;

namespace Edison.Core.Chat;

/// <summary>
/// Where in a stored conversation an answer starts: the text it answers, where the exchange goes, the branch before it
/// (the history the model reads), and the stored question or answer it takes up again, if any.
/// </summary>
/// <param name="Question">The stored question answered again, if one is.</param>
public sealed record StartingPoint(string Text, ExchangePlace Place, IReadOnlyList<StoredMessage> Branch, StoredMessage? Question)
{
    /// <summary>The answer written more of, if one is.</summary>
    public StoredMessage? Continued { get; init; }

    /// <summary>Whether no stored conversation was found to start in: the exchange, if stored, is its first.</summary>
    public bool IsNewConversation { get; init; }

    /// <summary>The images the question is asked with (see <see cref="StartingPoints"/>).</summary>
    public IReadOnlyList<ImageAttachment> Images { get; init; } = [];

    /// <summary>
    /// The sources of what is taken up again: an answer continued keeps its own, a question answered again those it was
    /// answered from before; null for a new question, which finds its own.
    /// </summary>
    public IReadOnlyList<ChatSource>? Sources { get; init; }

    /// <summary>
    /// The branch as the user saw it: each question with its answer, completed or stopped (as far as it got). A question
    /// whose answer failed, or is still being written, is left out with it.
    /// </summary>
    public List<ChatTurn> History()
    {
        var history = new List<ChatTurn>(Branch.Count);
        for (int i = 0; i + 1 < Branch.Count; i += 2)
        {
            if (MessageState.IsHistory(Branch[i + 1].State))
            {
                // Read with what it was asked with: the prompt then starts as the previous turn's did, token for token.
                history.Add(new ChatTurn(Branch[i].Role, ChatPromptBuilder.WithContext(Branch[i].Content, Branch[i].Context)));
                history.AddRange(ToolTurns(Branch[i + 1].Details?.Tools ?? []));
                history.Add(new ChatTurn(Branch[i + 1].Role, Branch[i + 1].Content));
            }
        }

        return history;
    }

    /// <summary>An answer's calls as the model made them, round by round: the calls, then their results.</summary>
    private static IEnumerable<ChatTurn> ToolTurns(IReadOnlyList<ToolRun> runs) =>
        runs.Where(run => run.Ended).GroupBy(run => run.Round).SelectMany(round => round
            .Select(run => new ChatTurn(ChatTurn.Tool, run.Outcome) { ToolCallId = run.Id })
            .Prepend(new ChatTurn(ChatTurn.Assistant, string.Empty) { ToolCalls = [.. round.Select(run => new ToolCall(run.Id, run.Name, run.Arguments))] }));

    /// <summary>
    /// Where the answer starts from: after the answer shown last, or from <see cref="ChatRequest.ParentId"/>; the
    /// question it answers, and the branch before it.
    /// </summary>
    public static StartingPoint From(ChatRequest request, Conversation? stored, string message)
    {
        var tree = stored?.Tree ?? [];
        if (request.ContinueId is { } continued)
        {
            return ContinueFrom(tree, continued, stored?.Id.ToString() ?? request.ConversationId);
        }

        // The exchange goes after the answer the prompt is built from, not whatever is shown by the time it is written
        // (another version shown meanwhile, another question answered at once in the same conversation).
        switch (request.ParentId)
        {
            case null:
                return new StartingPoint(message, stored is null ? ExchangePlace.AfterShown : ExchangePlace.After(stored.Messages.LastOrDefault()?.Id), stored?.Messages ?? [], null);
            case 0:
                return new StartingPoint(Asked(message), stored is null ? ExchangePlace.AfterShown : ExchangePlace.After(null), [], null);
            case { } id when tree.FirstOrDefault(m => m.Id == id) is { } parent:
                if (parent.Role == ChatTurn.User)
                {
                    return message.Length > 0
                        ? throw new ChatRequestException($"\"parent_id\" {id} is a question: it is answered again as it was asked; send no \"message\" with it, or the id of the answer to follow.")
                        : new StartingPoint(parent.Content, ExchangePlace.AnswerAgain(id), ConversationTree.BranchTo(tree, parent.ParentId), parent)
                        {
                            Sources = EarlierSources(tree, parent),
                        };
                }

                return new StartingPoint(Asked(message), ExchangePlace.After(id), ConversationTree.BranchTo(tree, id), null);
            case { } id:
                throw new ChatRequestException($"\"parent_id\" {id} is not a message of conversation {stored?.Id.ToString() ?? request.ConversationId}.");
        }

        static string Asked(string message) => message.Length > 0 ? message : throw new ChatRequestException("\"message\" is required and must not be empty.");
    }

    /// <summary>An answer written more of: its question asked as it was, the answer so far open for the model to go on.</summary>
    private static StartingPoint ContinueFrom(IReadOnlyList<StoredMessage> tree, long answerId, string? conversation)
    {
        var answer = tree.FirstOrDefault(m => m.Id == answerId);
        if (answer is not { Role: ChatTurn.Assistant, ParentId: { } questionId } || tree.FirstOrDefault(m => m.Id == questionId) is not { } question)
        {
            throw new ChatRequestException($"\"continue_id\" {answerId} is not an answer of conversation {conversation}.");
        }

        if (!MessageState.IsHistory(answer.State))
        {
            throw new ChatRequestException($"Answer {answerId} is {answer.State}: only a completed or stopped answer can be continued.");
        }

        if (tree.Any(m => m.ParentId == answerId))
        {
            throw new ChatRequestException($"Answer {answerId} has been replied to: continue the last answer of a branch, or regenerate this one.");
        }

        return new StartingPoint(question.Content, ExchangePlace.AnswerAgain(questionId), ConversationTree.BranchTo(tree, question.ParentId), question)
        {
            Continued = answer,
            Sources = answer.Details?.Sources ?? EarlierSources(tree, question),
        };
    }

    /// <summary>What a question answered again was answered from before: its context is read again, so are its sources.</summary>
    private static List<ChatSource> EarlierSources(IReadOnlyList<StoredMessage> tree, StoredMessage question) =>
        [.. tree.LastOrDefault(m => m.ParentId == question.Id && m.Details is not null)?.Details!.Sources ?? []];
}
