using Edison.Core.Conversations;
using Microsoft.Extensions.Logging;

namespace Edison.Core.Chat;

/// <summary>
/// Where in the stored conversation a turn starts (the second step of preparing it): the conversation the request goes
/// on, read from the store, and the <see cref="StartingPoint"/> in its tree, with the images the question is asked with.
/// </summary>
public sealed class StartingPoints(IConversationStore conversations, ChatRequestValidator validator, ILogger<StartingPoints> logger)
{
    /// <summary>A request Edison cannot start anywhere (an unknown parent, a store that does not answer) throws <see cref="ChatRequestException"/>.</summary>
    public async Task<StartingPoint> FindAsync(ChatRequest request, ValidatedRequest asked, CancellationToken cancellationToken)
    {
        // A new conversation has no history to look up.
        Conversation? stored = null;
        if (request.ConversationId is not null)
        {
            stored = await ReadAsync(asked.ConversationId, request, cancellationToken);
        }

        var start = StartingPoint.From(request, stored, asked.Text);
        return start with { IsNewConversation = stored is null, Images = ImagesFor(start, asked) };
    }

    /// <summary>
    /// The images sent, or those a stored question answered again was sent with. The model reads the history as text:
    /// only that question (or the one whose answer is continued) is asked with its stored images.
    /// </summary>
    private IReadOnlyList<ImageAttachment> ImagesFor(StartingPoint start, ValidatedRequest asked)
    {
        if (asked.Images.Count == 0 && start.Question?.Images is { } kept)
        {
            return validator.Images(kept);
        }

        return asked.Images;
    }

    /// <summary>The conversation the request goes on; a database that does not answer refuses the request, losing nothing.</summary>
    private async Task<Conversation?> ReadAsync(Guid id, ChatRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return await conversations.GetAsync(id, withImages: request.ParentId is not null || request.ContinueId is not null, cancellationToken);
        }
        catch (Exception e) when (StoreUnavailable.Is(e))
        {
            logger.LogError(e, "Reading conversation {ConversationId} failed", id);
            throw new ChatRequestException(StoreUnavailable.Message, ChatRequestException.Unavailable);
        }
    }
}
