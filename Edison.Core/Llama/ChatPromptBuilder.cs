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
        for (int skip = 0; skip <= history.Count; skip += 2)
        {
            var turns = new List<ChatTurn> { new(ChatTurn.System, systemPrompt) };
            turns.AddRange(history.Skip(skip));
            turns.Add(new ChatTurn(ChatTurn.User, message));
            var text = model.Format(turns);
            int tokens = model.CountTokens(text);
            if (tokens <= budget)
            {
                return new ChatPrompt(turns, text, tokens, model.StopStrings);
            }

            if (skip >= history.Count)
            {
                throw new PromptTooLongException(tokens, budget);
            }
        }

        throw new InvalidOperationException("unreachable: the loop always returns or throws");
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
