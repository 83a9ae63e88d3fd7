using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Edison.Core.Inference.Models;
using Edison.Core.Inference.Tools;
using LLama;
using Microsoft.Extensions.AI;

namespace Edison.Core.Inference.Prompts;

/// <summary>
/// Formats a conversation for the model: with the model's own chat template when its GGUF has one (llama.cpp's
/// template support), otherwise with the plain fallback below. History that does not fit is dropped oldest first.
/// <code>
/// {system prompt}
///
/// User: {message}
/// Assistant: {answer}
/// User: {message}
/// Assistant:
/// </code>
/// With the fallback the answer ends where the model starts a new "User:" line.
/// </summary>
public sealed partial class ChatPromptBuilder
{
    private const char PlaceholderStart = '\uE000';
    private const char PlaceholderEnd = '\uE001';

    public static readonly IReadOnlyList<string> FallbackStopStrings = ["\nUser:"];

    /// <summary>A user turn as the model reads it: the memories and web results it was sent with, then the message.</summary>
    public static string WithContext(string message, string? context) => context is null ? message : $"{context}\n\n{message}";

    /// <param name="answerTokens">Room to leave in the context for the answer.</param>
    /// <param name="context">Memories and web results for this message, put just before it in its turn.</param>
    /// <param name="answerSoFar">An answer to the message that the model writes more of (Continue): its turn is left open.</param>
    /// <param name="thinkingOff">Asks a thinking model that can be told so to answer without thinking.</param>
    /// <param name="tools">Functions the model may call, offered in the prompt as its template offers them.</param>
    /// <param name="message">
    /// The message answered; empty when the history ends with tool results, which the model answers (or calls more).
    /// </param>
    public ChatPrompt Build(
        IChatModel model,
        string systemPrompt,
        IReadOnlyList<ChatTurn> history,
        string message,
        int answerTokens,
        string? context = null,
        string? answerSoFar = null,
        bool thinkingOff = false,
        IReadOnlyList<AIFunctionDeclaration>? tools = null)
    {
        var request = new Request(systemPrompt, history, EndsWithToolResults(history, message) ? null : WithContext(message, context), answerSoFar, thinkingOff, tools ?? []);

        int budget = model.ContextSize - answerTokens;

        // Exchanges are dropped whole, oldest first, from a user message on: a call is never parted from its results.
        // Tool results answered now keep the question that led to them; otherwise the last candidate drops the whole history.
        int kept = request.Message is null ? history.Select((turn, i) => (turn, i)).LastOrDefault(t => t.turn.Role == ChatTurn.User).i : history.Count;
        var skips = history.Select((turn, i) => (turn, i)).Where(t => t.turn.Role == ChatTurn.User && t.i <= kept).Select(t => t.i)
            .Prepend(0).Append(kept).Distinct().Order().ToList();
        var fewest = Fit(model, request, skips[^1]);
        if (fewest.Tokens > budget)
        {
            throw new PromptTooLongException(fewest.Tokens, budget, model.ContextSize);
        }

        // Fewer turns never take more tokens, so the smallest skip that fits is found by bisection: a long
        // conversation is formatted and counted a handful of times, not once per exchange.
        int low = 0;
        int high = skips.Count - 1;
        var best = fewest;
        while (low < high)
        {
            int middle = (low + high) / 2;
            var candidate = Fit(model, request, skips[middle]);
            if (candidate.Tokens <= budget)
            {
                best = candidate;
                high = middle;
            }
            else
            {
                low = middle + 1;
            }
        }

        return best;
    }

    /// <summary>Whether the model answers tool results rather than a message: the history ends with them, and no message comes after.</summary>
    public static bool EndsWithToolResults(IReadOnlyList<ChatTurn> history, string? message) =>
        string.IsNullOrEmpty(message) && history is [.., { Role: ChatTurn.Tool }];

    private static ChatPrompt Fit(IChatModel model, Request request, int skip)
    {
        var turns = new List<ChatTurn>(request.History.Count - skip + 3) { new(ChatTurn.System, request.SystemPrompt) };
        turns.AddRange(request.History.Skip(skip));
        if (request.Message is not null)
        {
            turns.Add(new ChatTurn(ChatTurn.User, request.Message));
        }

        if (request.AnswerSoFar is not null)
        {
            turns.Add(new ChatTurn(ChatTurn.Assistant, request.AnswerSoFar));
        }

        var prompt = model.Format(turns, request.ThinkingOff, request.Tools);
        return new ChatPrompt(turns, prompt, model.CountTokens(prompt), model.StopStrings) { Model = model, Tools = request.Tools };
    }

    /// <summary>
    /// The conversation in the model's chat template (its markup kept apart from the messages' content), or in the
    /// plain fallback format when the model has none. A conversation that ends with an answer leaves that answer open,
    /// for the model to write more of (as llama.cpp's server prefills a last assistant message).
    /// </summary>
    /// <exception cref="ToolCallsUnsupportedException">Tools offered to a model whose template has no tool calls.</exception>
    public static PromptText Format(LoadedModel model, IReadOnlyList<ChatTurn> turns, bool thinkingOff = false, IReadOnlyList<AIFunctionDeclaration>? tools = null)
    {
        if (tools is { Count: > 0 } && model.ToolCalls is null)
        {
            throw new ToolCallsUnsupportedException(model.Name);
        }

        // Calls kept in a conversation are read as the model's template writes them; a model that cannot call tools
        // (one switched to since) reads the answers that came of them.
        if (turns.Any(HasToolCalls) || tools is { Count: > 0 })
        {
            if (model.ToolCalls is not { } format)
            {
                turns = [.. turns.Where(turn => !HasToolCalls(turn))];
            }
            else if (format.WritesTurnMarkup)
            {
                return new PromptTextBuilder().Parts(format.Write(turns, tools ?? []).SelectMany(turn => turn.Parts ?? [])).Build();
            }
            else
            {
                turns = format.Write(turns, tools ?? []);
            }
        }

        bool continues = turns.Count > 0 && turns[^1].Role == ChatTurn.Assistant;
        return model.HasChatTemplate ? FormatWithTemplate(model, turns, continues, thinkingOff) : FormatPlain(turns, continues);
    }

    /// <summary>
    /// llama.cpp applies the template to the messages as given, so each message goes in as a placeholder that no
    /// template changes (private-use characters around its index); the template's output is its markup with the
    /// placeholders marking where each message's content belongs.
    /// </summary>
    private static PromptText FormatWithTemplate(LoadedModel model, IReadOnlyList<ChatTurn> turns, bool continues, bool thinkingOff)
    {
        var template = new LLamaTemplate(model.Weights, strict: false) { AddAssistant = !continues };
        for (int i = 0; i < turns.Count; i++)
        {
            template.Add(turns[i].Role, $"{PlaceholderStart}{i}{PlaceholderEnd}");
        }

        var applied = Encoding.UTF8.GetString(template.Apply());
        var prompt = new PromptTextBuilder();
        int at = 0;
        foreach (Match placeholder in Placeholder().Matches(applied))
        {
            int index = int.Parse(placeholder.Groups[1].ValueSpan, CultureInfo.InvariantCulture);
            var turn = turns[index];
            prompt.Markup(applied[at..placeholder.Index]);
            at = placeholder.Index + placeholder.Length;
            if (turn.Parts is { } parts)
            {
                prompt.Parts(parts);
                continue;
            }

            if (turn.Role != ChatTurn.Assistant)
            {
                prompt.Content(turn.Content);
                continue;
            }

            // An earlier answer is read without any thinking kept in it, as a thinking model's own template cuts it;
            // the answer the model writes more of is its own so far.
            bool open = continues && index == turns.Count - 1;
            prompt.Answer(open ? turn.Content : model.Thinking?.AnswerOf(turn.Content) ?? turn.Content, open: open);
        }

        // What the template writes after an answer it continues closes the turn: it is left out. llama.cpp writes the
        // template's own generation prompt but for what it says of thinking there: the thinking it opens (QwQ's, the R1
        // distills'), or the empty thinking that turns it off (Qwen3's).
        var thinking = (thinkingOff ? model.Thinking?.Off : null) ?? model.Thinking?.Opening ?? string.Empty;
        return (continues ? prompt : prompt.Markup(applied[at..]).Markup(thinking)).Build();
    }

    private static PromptText FormatPlain(IReadOnlyList<ChatTurn> turns, bool continues)
    {
        var prompt = new PromptTextBuilder();
        for (int i = 0; i < turns.Count; i++)
        {
            var turn = turns[i];
            switch (turn.Role)
            {
                case ChatTurn.System:
                    prompt.Content(turn.Content).Markup("\n\n");
                    break;
                case ChatTurn.User:
                    prompt.Markup("User: ").Content(turn.Content).Markup("\n");
                    break;
                case ChatTurn.Assistant when continues && i == turns.Count - 1:
                    prompt.Markup("Assistant:").Answer(turn.Content, lead: " ", open: true);
                    break;
                default:
                    prompt.Markup("Assistant:").Answer(turn.Content, lead: " ").Markup("\n");
                    break;
            }
        }

        return (continues ? prompt : prompt.Markup("Assistant:")).Build();
    }

    /// <summary>Whether a turn is a tool's result or an answer that called tools.</summary>
    public static bool HasToolCalls(ChatTurn turn) => turn.Role == ChatTurn.Tool || turn.ToolCalls.Count > 0;

    private sealed record Request(
        string SystemPrompt, IReadOnlyList<ChatTurn> History, string? Message, string? AnswerSoFar, bool ThinkingOff, IReadOnlyList<AIFunctionDeclaration> Tools);

    [GeneratedRegex("\uE000([0-9]+)\uE001")]
    private static partial Regex Placeholder();
}
