using Edison.Core.Context;
using Edison.Core.Inference.Models;
using Edison.Core.Inference.Prompts;
using Edison.Core.Memory;
using Edison.Core.Modes;
using Edison.Core.Search;

namespace Edison.Core.Chat;

/// <summary>
/// What goes with a new message besides its history: exchanges remembered from other conversations and web results,
/// as its mode may use them. Only a message asked for the first time, by a client that leaves the history to Edison,
/// gets them: one that keeps the history itself would never send them back, so the next prompt would differ from this
/// one at that turn (the prompt cache missing from there) and the model would see them once and then no more.
/// </summary>
public sealed class TurnContext(MemoryRetriever memory, WebSearch search, ChatPromptBuilder prompts)
{
    /// <summary>Nothing added, nothing to say.</summary>
    public static readonly GatheredContext None = new(null, [], []);

    /// <summary>
    /// What goes with the turn's message (the fourth step of preparing it). A question answered again goes with what it
    /// went with before; memories and web results go with the new message, not into the system prompt, so that the
    /// system prompt and the history read the same every turn and the prompt cache holds them from one turn to the next.
    /// </summary>
    public async Task<GatheredContext> ForTurnAsync(StartingPoint start, bool clientKeepsHistory, ContextQuestion question, CancellationToken cancellationToken)
    {
        if (start.Question is { } again)
        {
            return new GatheredContext(again.Context, start.Sources ?? [], []);
        }

        if (clientKeepsHistory)
        {
            return None;
        }

        return await GatherAsync(question, cancellationToken);
    }

    private async Task<GatheredContext> GatherAsync(ContextQuestion question, CancellationToken cancellationToken)
    {
        bool remembers = question.Mode.UsesMemory;
        bool searches = !question.SearchIsATool && search.Wants(question.Mode, question.Text);
        if (!remembers && !searches)
        {
            return None;
        }

        // A message that cannot fit even alone is refused before memories and web results are looked up for it.
        Fit(() => prompts.Build(question.Model, question.SystemPrompt, [], question.Text, question.AnswerRoom));

        var sections = new List<PromptSection>();
        var notices = new List<string>();
        if (remembers && await memory.RetrieveAsync(question.Model, question.Text, question.ConversationId, question.History, cancellationToken) is { } remembered)
        {
            sections.Add(remembered);
        }

        if (searches)
        {
            var outcome = await search.SearchAsync(question.Model, question.Text, cancellationToken);
            sections.AddRange(outcome.Section is null ? [] : [outcome.Section]);
            notices.AddRange(outcome.Notice is null ? [] : [outcome.Notice]);
        }

        var text = sections.Count == 0 ? null : string.Join("\n\n", sections.Select(s => s.Text.TrimEnd()));
        return new GatheredContext(text, [.. sections.SelectMany(s => s.Sources)], notices);
    }

    /// <summary>The prompt, or a <see cref="ChatRequestException"/> saying the message is too long.</summary>
    public static ChatPrompt Fit(Func<ChatPrompt> build)
    {
        try
        {
            return build();
        }
        catch (PromptTooLongException e)
        {
            throw new ChatRequestException(e.Message);
        }
    }
}

/// <summary>A new message and what its context is looked up with.</summary>
public sealed record ContextQuestion(
    IChatModel Model, ChatMode Mode, string SystemPrompt, string Text, Guid ConversationId, IReadOnlyList<ChatTurn> History, int AnswerRoom)
{
    /// <summary>The model searches the web itself when it needs to (a tool): no results are pasted in for it.</summary>
    public bool SearchIsATool { get; init; }
}

/// <summary>What goes with the message in its turn (null for nothing), the sources it came from and what to tell the user.</summary>
public sealed record GatheredContext(string? Text, IReadOnlyList<ChatSource> Sources, IReadOnlyList<string> Notices);
