using System.Text;
using Edison.Core.Conversations;
using Edison.Core.Inference.Engine;
using Edison.Core.Inference.Clients;
using Edison.Core.Inference.Models;
using Edison.Core.Inference.Prompts;
using Edison.Core.Telemetry;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Edison.Core.Chat;

/// <summary>Names a new conversation after its first exchange, with a few words from the model.</summary>
public sealed class ConversationTitler(
    IChatModelSource models, IChatClient answers, IConversationStore conversations, ChatPromptBuilder prompts, EdisonMetrics metrics, ILogger<ConversationTitler> logger)
{
    private const string TitleInstruction = "Write a title of at most six words for this conversation. Reply with the title only.";
    private const int TitleTokens = 16;

    /// <summary>
    /// Asks the model for a short title for a conversation's first exchange, after its answer, and stores it. The
    /// title from the first words stays when the model gives nothing usable, and for the demo model, which can only
    /// repeat itself.
    /// </summary>
    public async Task SuggestAsync(PreparedChat prepared, string answer, CancellationToken cancellationToken)
    {
        try
        {
            // Only a title still made of the first question's words is replaced: a name a person gave the conversation
            // stays, whether given before this answer or while the title is written.
            if (await conversations.GetAsync(prepared.ConversationId, cancellationToken) is not { Messages: [var first, ..] } conversation
                || conversation.Title != ConversationTitle.FromMessage(first.Content)
                || TitlePrompt(prepared, answer) is not { } prompt)
            {
                return;
            }

            var options = new PromptedChatOptions(prompt)
            {
                MaxOutputTokens = TitleTokens,
                Temperature = 0,
                TopP = 1,
                Seed = 0,
                StopSequences = [.. prompt.StopStrings, "\n"],
                MaxReasoningTokens = 0,
            };
            var title = new StringBuilder();
            UsageDetails? usage = null;
            await foreach (var update in answers.GetStreamingResponseAsync(prompt.ToMessages([]), options, cancellationToken))
            {
                title.Append(update.Text);
                usage = update.Contents.OfType<UsageContent>().FirstOrDefault()?.Details ?? usage;
            }

            metrics.PromptRead(usage);
            var cleaned = title.ToString().Trim().Trim('"', '\'', '*', '#', '.', ' ');
            if (cleaned.Length > 0)
            {
                await conversations.RenameAsync(prepared.ConversationId, ConversationTitle.FromMessage(cleaned), replacing: conversation.Title, cancellationToken);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "No title could be generated for conversation {ConversationId}", prepared.ConversationId);
        }
    }

    /// <summary>The prompt that asks for the title; null for the demo model or none loaded, and when the exchange does not fit whole.</summary>
    private ChatPrompt? TitlePrompt(PreparedChat prepared, string answer)
    {
        // Held while the prompt is built: a model switch meanwhile cannot free the tokenizer under it.
        using var lease = models.Acquire();
        if (lease?.Model is not { IsDemo: false } model)
        {
            return null;
        }

        // The instruction follows the exchange as the model has just read and written it, so the prompt cache holds
        // all but the instruction: the title reads a few tokens rather than the exchange again, and a follow-up
        // sent the moment the answer ends does not wait behind it.
        // A continued answer's prompt ends with the answer as it was: the whole answer takes its place.
        var asked = prepared.Prompt.Turns[^1].Role == ChatTurn.Assistant ? prepared.Prompt.Turns.SkipLast(1).ToList() : prepared.Prompt.Turns;
        // A thinking model names it without thinking: told so where it can be, its thinking closed at once where not.
        var prompt = prompts.Build(model, asked[0].Content, [.. asked.Skip(1), new ChatTurn(ChatTurn.Assistant, answer)], TitleInstruction, TitleTokens, thinkingOff: true);

        // Fitting left out part of what was said: the model would name less than the conversation, from a prompt the
        // cache does not hold.
        return prompt.Turns.Count < asked.Count + 2 ? null : prompt;
    }
}
