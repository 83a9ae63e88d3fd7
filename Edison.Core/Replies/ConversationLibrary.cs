using System.Text.Json;
using Edison.Core.Chat;
using Edison.Core.Conversations;
using Edison.Core.Transfer;
using Microsoft.Extensions.Options;

namespace Edison.Core.Replies;

/// <summary>
/// The changes to the stored conversations that pages and the API make besides answering: an import, a branch copied
/// to a new conversation, another branch shown, a rename, a deletion. Every open page learns of each at once
/// (<see cref="ConversationEvents"/>), wherever it was made, and a conversation deleted while it is being answered stops
/// being answered.
/// </summary>
public sealed class ConversationLibrary(
    IConversationStore store,
    Answers answers,
    AnswersInProgress inProgress,
    ConversationEvents events,
    IOptions<ChatLimits> limits,
    TimeProvider time)
{
    /// <summary>Stores a conversation file (see <see cref="ConversationFile"/>) as a new conversation; a bad file throws <see cref="ChatRequestException"/>.</summary>
    public async Task<Guid> ImportAsync(Stream file, CancellationToken cancellationToken) =>
        Announced(await ConversationFile.ImportAsync(store, file, limits.Value, time.GetUtcNow(), cancellationToken));

    /// <inheritdoc cref="ImportAsync(Stream, CancellationToken)"/>
    public async Task<Guid> ImportAsync(JsonElement file, CancellationToken cancellationToken) =>
        Announced(await ConversationFile.ImportAsync(store, file, limits.Value, time.GetUtcNow(), cancellationToken));

    /// <summary>Copies the branch of <paramref name="conversation"/> up to a message into a new conversation; null when it has no such message.</summary>
    public async Task<Guid?> CopyBranchAsync(Conversation conversation, long messageId, CancellationToken cancellationToken) =>
        await store.CopyBranchAsync(conversation, messageId, cancellationToken) is { } copy ? Announced(copy) : null;

    /// <summary>Shows another version of a message and the branch that follows it; null when the conversation has no such message.</summary>
    public async Task<Conversation?> ShowBranchAsync(Guid id, long messageId, CancellationToken cancellationToken)
    {
        var shown = await store.ShowBranchAsync(id, messageId, cancellationToken);
        if (shown is not null)
        {
            events.AnnounceBranchShown(shown);
        }

        return shown;
    }

    /// <summary>
    /// Names a conversation as a person chose (see <see cref="ConversationTitle.Chosen"/>); every page's list and tab
    /// follow. Returns the title as stored, or null when there is no such conversation; a name with nothing in it, or
    /// too long, throws <see cref="ChatRequestException"/>.
    /// </summary>
    public async Task<string?> RenameAsync(Guid id, string name, CancellationToken cancellationToken)
    {
        var title = ConversationTitle.Chosen(name);
        if (title.Length == 0)
        {
            throw new ChatRequestException("\"title\" must have something in it: the conversation's new name.");
        }

        if (title.Length > ConversationTitle.MaxChosenLength)
        {
            throw new ChatRequestException($"\"title\" is {title.Length:N0} characters long; a conversation's name may have at most {ConversationTitle.MaxChosenLength}.");
        }

        if (!await store.RenameAsync(id, title, replacing: null, cancellationToken))
        {
            return null;
        }

        events.AnnounceChanged();
        return title;
    }

    /// <summary>
    /// Stops the conversation's answers, if any are being written (the page's and every API caller's), and deletes it;
    /// false when there was no such conversation.
    /// </summary>
    public async Task<bool> DeleteAsync(Guid id, CancellationToken cancellationToken)
    {
        answers.Stop(id);
        inProgress.StopAll(id);
        bool deleted = await store.DeleteAsync(id, cancellationToken);
        if (deleted)
        {
            answers.Forget(id);
            events.AnnounceDeleted(id);
        }

        return deleted;
    }

    private Guid Announced(Guid id)
    {
        events.AnnounceChanged();
        return id;
    }
}
