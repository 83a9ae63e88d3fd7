using System.Text;
using Edison.Core.Conversations;
using Edison.Core.Inference;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Edison.Core.Chat;

/// <summary>Names a new conversation after its first exchange, with a few words from the model.</summary>
public sealed class ConversationTitler(IChatModelSource models, IChatClient answers, IConversationStore conversations, ILogger<ConversationTitler> logger)
{
    private const string TitleInstruction = "Write a title of at most six words for this conversation. Reply with the title only.";
    private const int TitleTokens = 16;
    private const int TitleContextCharacters = 400;

    /// <summary>
    /// Asks the model for a short title for a conversation's first exchange, after its answer, and stores it. The
    /// title from the first words stays when the model gives nothing usable, and for the demo model, which can only
    /// repeat itself.
    /// </summary>
    public async Task SuggestAsync(PreparedChat prepared, string answer, CancellationToken cancellationToken)
    {
        if (models.Model is not { IsDemo: false } model)
        {
            return;
        }

        try
        {
            var exchange = $"User: {Shorten(prepared.Message)}\nAssistant: {Shorten(answer)}";
            var options = new ChatOptions { MaxOutputTokens = TitleTokens, Temperature = 0, TopP = 1, Seed = 0, StopSequences = ["\n"] };
            var title = new StringBuilder();
            await foreach (var update in answers.GetStreamingResponseAsync([new(ChatRole.System, TitleInstruction), new(ChatRole.User, exchange)], options, cancellationToken))
            {
                title.Append(update.Text);
            }

            var cleaned = title.ToString().Trim().Trim('"', '\'', '*', '#', '.', ' ');
            if (cleaned.Length > 0)
            {
                await conversations.RenameAsync(prepared.ConversationId, ConversationTitle.FromMessage(cleaned), cancellationToken);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "No title could be generated for conversation {ConversationId}", prepared.ConversationId);
        }
    }

    private static string Shorten(string text) => text.Length <= TitleContextCharacters ? text : text[..TitleContextCharacters];
}
