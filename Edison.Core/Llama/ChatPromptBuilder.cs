using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Edison.Core.Chat;
using LLama;

namespace Edison.Core.Llama;

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
    public ChatPrompt Build(IChatModel model, string systemPrompt, IReadOnlyList<ChatTurn> history, string message, int answerTokens, string? context = null)
    {
        message = WithContext(message, context);

        int budget = model.ContextSize - answerTokens;

        // Exchanges are dropped whole, oldest first; the last candidate drops the whole history.
        var skips = Enumerable.Range(0, history.Count / 2 + 1).Select(i => i * 2).Append(history.Count).Distinct().ToList();
        var fewest = Fit(model, systemPrompt, history, message, skips[^1]);
        if (fewest.Tokens > budget)
        {
            throw new PromptTooLongException(fewest.Tokens, budget);
        }

        // Fewer turns never take more tokens, so the smallest skip that fits is found by bisection: a long
        // conversation is formatted and counted a handful of times, not once per exchange.
        int low = 0;
        int high = skips.Count - 1;
        var best = fewest;
        while (low < high)
        {
            int middle = (low + high) / 2;
            var candidate = Fit(model, systemPrompt, history, message, skips[middle]);
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

    private static ChatPrompt Fit(IChatModel model, string systemPrompt, IReadOnlyList<ChatTurn> history, string message, int skip)
    {
        var turns = new List<ChatTurn>(history.Count - skip + 2) { new(ChatTurn.System, systemPrompt) };
        turns.AddRange(history.Skip(skip));
        turns.Add(new ChatTurn(ChatTurn.User, message));
        var prompt = model.Format(turns);
        return new ChatPrompt(turns, prompt, model.CountTokens(prompt), model.StopStrings);
    }

    /// <summary>
    /// The conversation in the model's chat template (its markup kept apart from the messages' content), or in the
    /// plain fallback format when the model has none.
    /// </summary>
    public static PromptText Format(LoadedModel model, IReadOnlyList<ChatTurn> turns) =>
        model.HasChatTemplate ? FormatWithTemplate(model, turns) : FormatPlain(turns);

    /// <summary>
    /// llama.cpp applies the template to the messages as given, so each message goes in as a placeholder that no
    /// template changes (private-use characters around its index); the template's output is its markup with the
    /// placeholders marking where each message's content belongs.
    /// </summary>
    private static PromptText FormatWithTemplate(LoadedModel model, IReadOnlyList<ChatTurn> turns)
    {
        var template = new LLamaTemplate(model.Weights, strict: false) { AddAssistant = true };
        for (int i = 0; i < turns.Count; i++)
        {
            template.Add(turns[i].Role, $"{PlaceholderStart}{i}{PlaceholderEnd}");
        }

        var applied = Encoding.UTF8.GetString(template.Apply());
        var prompt = new PromptTextBuilder();
        int at = 0;
        foreach (Match placeholder in Placeholder().Matches(applied))
        {
            var turn = turns[int.Parse(placeholder.Groups[1].ValueSpan, CultureInfo.InvariantCulture)];
            prompt.Markup(applied[at..placeholder.Index]);
            _ = turn.Role == ChatTurn.Assistant ? prompt.Answer(turn.Content) : prompt.Content(turn.Content);
            at = placeholder.Index + placeholder.Length;
        }

        return prompt.Markup(applied[at..]).Build();
    }

    private static PromptText FormatPlain(IReadOnlyList<ChatTurn> turns)
    {
        var prompt = new PromptTextBuilder();
        foreach (var turn in turns)
        {
            switch (turn.Role)
            {
                case ChatTurn.System:
                    prompt.Content(turn.Content).Markup("\n\n");
                    break;
                case ChatTurn.User:
                    prompt.Markup("User: ").Content(turn.Content).Markup("\n");
                    break;
                default:
                    prompt.Markup("Assistant:").Answer(turn.Content, lead: " ").Markup("\n");
                    break;
            }
        }

        return prompt.Markup("Assistant:").Build();
    }

    [GeneratedRegex("\uE000([0-9]+)\uE001")]
    private static partial Regex Placeholder();
}

/// <summary>The conversation that fits (system prompt first), as the model reads it, its size in tokens and the text that ends its answer.</summary>
public sealed record ChatPrompt(IReadOnlyList<ChatTurn> Turns, PromptText Formatted, int Tokens, IReadOnlyList<string> StopStrings)
{
    public string Text => Formatted.Text;
}
