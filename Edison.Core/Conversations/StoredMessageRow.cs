using System.Data.Common;

namespace Edison.Core.Conversations;

/// <summary>
/// A conversation as both stores select it: its title, updated time and shown id, then from column 3 on a message per
/// row (id, parent_id, role, content, created, state, error, context, details, images; none for a conversation without
/// messages). Only a time is read the store's own way (Unix milliseconds, or timestamptz).
/// </summary>
internal static class StoredMessageRow
{
    /// <summary>The conversation the rows hold, with its tree built; null when there are no rows.</summary>
    public static async Task<Conversation?> ReadConversationAsync(
        DbDataReader reader, Guid id, Func<DbDataReader, int, DateTimeOffset> timeAt, CancellationToken cancellationToken)
    {
        (string Title, DateTimeOffset Updated, long? ShownId)? found = null;
        var messages = new List<StoredMessage>();
        while (await reader.ReadAsync(cancellationToken))
        {
            found ??= (reader.GetString(0), timeAt(reader, 1), reader.IsDBNull(2) ? null : reader.GetInt64(2));
            if (!reader.IsDBNull(3))
            {
                messages.Add(Read(reader, timeAt(reader, 7)));
            }
        }

        return found is var (title, updated, shownId) ? ConversationTree.Build(id, title, updated, shownId, messages) : null;
    }

    public static StoredMessage Read(DbDataReader reader, DateTimeOffset created) =>
        new(
            reader.GetInt64(3),
            reader.IsDBNull(4) ? null : reader.GetInt64(4),
            reader.GetString(5),
            reader.GetString(6),
            created,
            reader.GetString(8),
            reader.IsDBNull(9) ? null : reader.GetString(9),
            reader.IsDBNull(10) ? null : reader.GetString(10))
        {
            Details = AnswerDetails.Parse(reader.IsDBNull(11) ? null : reader.GetString(11)),
            Images = StoredImages.Parse(reader.IsDBNull(12) ? null : reader.GetString(12)),
        };
}
