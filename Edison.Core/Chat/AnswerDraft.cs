using System.Text;
using Edison.Core.Conversations;
using Edison.Core.Inference.Tools;
using Microsoft.Extensions.AI;

namespace Edison.Core.Chat;

/// <summary>
/// An answer as the model writes it, read from its chat client's updates: the text so far, a thinking model's thinking,
/// what it took and whether the length limit cut it off. What the store keeps and the done event reports; each kind of content is read here once.
/// </summary>
public sealed class AnswerDraft(string? continued, TimeProvider time, Guid conversationId = default)
{
    private readonly ThinkingClock _thinking = new(time);

    /// <summary>A call's result came after some thinking: the model's next thought starts a new round's.</summary>
    private bool _thinkingPaused;

    /// <summary>The answer so far (a continued answer starts from what it said before).</summary>
    public StringBuilder Text { get; } = new(continued);

    /// <summary>The token counts of every round of the model, once the client reported them (usually with each round's last update).</summary>
    public UsageDetails? Usage { get; private set; }

    public bool CutOff { get; private set; }

    /// <summary>A thinking model's thinking so far: its own channel, never part of <see cref="Text"/>.</summary>
    public StringBuilder Reasoning { get; } = new();

    /// <summary>How long the model thought: from its first thought to its answer's first word (or its end); null when it did not think.</summary>
    public TimeSpan? ThinkingTime => _thinking.Elapsed;

    /// <summary>The calls the model made, in order, and what came of those Edison's tools ran.</summary>
    public List<ToolRun> Tools { get; } = [];

    /// <summary>The calls left for the client to run (OpenAI-style function calling): those no tool of Edison's answered.</summary>
    public IReadOnlyList<ToolCall> ToolCalls => [.. Tools.Where(run => !run.Ended).Select(run => new ToolCall(run.Id, run.Name, run.Arguments))];

    /// <summary>How many pieces of text were added: the answer's tokens when the client reports no usage.</summary>
    public int Pieces { get; private set; }

    /// <summary>
    /// Takes one update from the model; returns what the answer's followers get of it (the update itself when it is all
    /// theirs, as almost every token's is), or null when nothing (usage and the finish reason go into the done event).
    /// </summary>
    public ChatResponseUpdate? Take(ChatResponseUpdate update)
    {
        if (update.FinishReason is { } reason)
        {
            CutOff = reason == ChatFinishReason.Length;
        }

        List<AIContent>? shown = null;
        bool whole = true;
        foreach (var content in update.Contents)
        {
            var piece = Read(content);
            whole &= ReferenceEquals(piece, content);
            if (piece is not null)
            {
                (shown ??= []).Add(piece);
            }
        }

        return shown is null ? null : whole ? update : new ChatResponseUpdate(ChatRole.Assistant, shown);
    }

    /// <summary>Takes one content into the draft; returns what followers see of it (trimmed at the start), or null for none.</summary>
    private AIContent? Read(AIContent content)
    {
        switch (content)
        {
            case TextContent { Text: var text } when Visible(text) is { Length: > 0 } piece:
                _thinking.Answered();
                Text.Append(piece);
                Pieces++;
                return piece == text ? content : new TextContent(piece);
            case TextReasoningContent { Text: var thought } when VisibleThought(thought) is { Length: > 0 } piece:
                _thinking.Thought();
                Reasoning.Append(piece);
                return piece == thought ? content : new TextReasoningContent(piece);
            // A call asked about first comes again once it is approved: it is one call.
            case FunctionCallContent call when Tools.Exists(run => run.Id == call.CallId):
                return null;
            case FunctionCallContent call:
                var made = FunctionCalls.FromContent(call);
                Tools.Add(new ToolRun(made.Id, made.Name, made.Arguments, NextRound()));
                return content;
            case ToolApprovalRequestContent { ToolCall: FunctionCallContent call }:
                var asked = FunctionCalls.FromContent(call);
                return Update(asked.Id, run => run with { AwaitingApproval = true }, new ToolRun(asked.Id, asked.Name, asked.Arguments, NextRound()));
            case FunctionResultContent { CallId: var id } result:
                _thinkingPaused = Reasoning.Length > 0;
                return Update(id, run => run switch
                {
                    { Error: not null } => run,
                    _ when result.Exception is { } failure => run with { Error = failure.Message },
                    _ => run with { Result = FunctionCalls.ResultText(result.Result) },
                });
            // An agent's answer takes a round of the model for each call: the answer took them all.
            case UsageContent { Details: var details }:
                Usage ??= new UsageDetails();
                Usage.Add(details);
                return null;
            default:
                return null;
        }
    }

    /// <summary>The person's decision on a call that asked first: what its followers get of it.</summary>
    public ToolRunContent? Decided(string id, bool approved, string? reason) =>
        Update(id, run => run with { AwaitingApproval = false, Error = approved ? null : reason ?? "Denied." });

    /// <summary>A later call's round: the one after the last call's, once that call has ended.</summary>
    private int NextRound() => Tools is [.., { Ended: true } last] ? last.Round + 1 : Tools is [.., var previous] ? previous.Round : 0;

    /// <summary>Changes the call with that id (or adds <paramref name="added"/> when there is none); what its followers get of it, if anything.</summary>
    private ToolRunContent? Update(string id, Func<ToolRun, ToolRun> change, ToolRun? added = null)
    {
        int index = Tools.FindIndex(run => run.Id == id);
        if (index < 0 && added is null)
        {
            return null;
        }

        bool isNew = index < 0;
        if (isNew)
        {
            Tools.Add(added!);
            index = Tools.Count - 1;
        }

        var before = Tools[index];
        Tools[index] = change(before);

        // A result that changes nothing (one for a call already denied) is no news to followers.
        return !isNew && Tools[index] == before ? null : new ToolRunContent(Tools[index], conversationId);
    }

    /// <summary>The whole thinking, or null when the model did not think.</summary>
    public string? ThoughtOrNull => Reasoning.Length == 0 ? null : Reasoning.ToString().TrimEnd();

    /// <summary>The done event of a completed answer.</summary>
    public ChatDone Completed(PreparedChat prepared) =>
        ChatDone.Completed(prepared.Mode.Name, Text.ToString(), prepared.ConversationId, prepared.Sources, prepared.Notices, ChatUsage.From(Usage), CutOff)
            with
            {
                Reasoning = ThoughtOrNull,
                ToolCalls = ToolCalls is { Count: > 0 } calls ? calls : null,
                Tools = Tools.Any(run => run.Ended) ? [.. Tools.Where(run => run.Ended)] : null,
                FinishReason = FinishReason,
            };

    /// <summary>Why the answer ended, as OpenAI names it: cut off by the length limit, ended with calls, or ended by the model.</summary>
    private string FinishReason => CutOff ? "length" : ToolCalls.Count > 0 ? "tool_calls" : "stop";

    /// <summary>The answer starts at its first visible character: models often open with a space or newline.</summary>
    private string Visible(string text) => Text.Length == 0 ? text.TrimStart() : text;

    /// <summary>
    /// The thinking as it is kept and shown: without leading blanks, and an agent's thinking after a call's result as a
    /// paragraph of its own (each round's starts wherever the model's template puts it, often on a fresh line).
    /// </summary>
    private string VisibleThought(string text)
    {
        if (Reasoning.Length == 0)
        {
            return text.TrimStart();
        }

        if (!_thinkingPaused)
        {
            return text;
        }

        var start = text.TrimStart();
        if (start.Length == 0)
        {
            return start;
        }

        _thinkingPaused = false;
        return "\n\n" + start;
    }
}
