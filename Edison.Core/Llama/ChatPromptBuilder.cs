using System.Text;
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
public sealed class ChatPromptBuilder
{
    public static readonly IReadOnlyList<string> FallbackStopStrings = ["\nUser:"];

    /// <param name="answerTokens">Room to leave in the context for the answer.</param>
    public ChatPrompt Build(IChatModel model, string systemPrompt, IReadOnlyList<ChatTurn> history, string message, int answerTokens)
    {
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
        var text = model.Format(turns);
        return new ChatPrompt(turns, text, model.CountTokens(text), model.StopStrings);
    }

    public static string Format(LoadedModel model, IReadOnlyList<ChatTurn> turns)
    {
        if (model.HasChatTemplate)
        {
            var template = new LLamaTemplate(model.Weights, strict: false) { AddAssistant = true };
            foreach (var turn in turns)
            {
                template.Add(turn.Role, turn.Content);
            }

            return Encoding.UTF8.GetString(template.Apply());
        }

        var prompt = new StringBuilder();
        foreach (var turn in turns)
        {
            switch (turn.Role)
            {
                case ChatTurn.System:
                    prompt.Append(turn.Content).Append("\n\n");
                    break;
                case ChatTurn.User:
                    prompt.Append("User: ").Append(turn.Content).Append('\n');
                    break;
                default:
                    prompt.Append("Assistant: ").Append(turn.Content).Append('\n');
                    break;
            }
        }

        return prompt.Append("Assistant:").ToString();
    }
}

/// <summary>The conversation that fits (system prompt first), as the model reads it, its size in tokens and the text that ends its answer.</summary>
public sealed record ChatPrompt(IReadOnlyList<ChatTurn> Turns, string Text, int Tokens, IReadOnlyList<string> StopStrings);
