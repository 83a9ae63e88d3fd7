using Edison.Core.Inference.Prompts;
using Microsoft.Data.Sqlite;
using static Edison.Core.Conversations.SqliteDatabase;

namespace Edison.Core.Conversations;

/// <summary>
/// A whole conversation written at once in one transaction (an import, a branch copied to a new chat): its messages
/// get new ids, their tree kept, and its completed exchanges join the memory index as they say.
/// </summary>
internal static class SqliteConversationCopy
{
    public static async Task WriteAsync(
        SqliteConnection connection, Guid id, string title, IReadOnlyList<StoredMessage> messages, long? shownId, long now, CancellationToken cancellationToken)
    {
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using (var conversation = connection.CreateCommand())
        {
            conversation.Transaction = transaction;
            conversation.CommandText = "INSERT INTO conversations (id, title, created, updated) VALUES ($id, $title, $created, $now);";
            conversation.Parameters.AddWithValue("$id", Key(id));
            conversation.Parameters.AddWithValue("$title", title);
            conversation.Parameters.AddWithValue("$created", messages.Count > 0 ? messages[0].Created.ToUnixTimeMilliseconds() : now);
            conversation.Parameters.AddWithValue("$now", now);
            await conversation.ExecuteNonQueryAsync(cancellationToken);
        }

        var ids = new Dictionary<long, long>();
        foreach (var message in messages)
        {
            await using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            var question = message.ParentId is { } parent ? messages.FirstOrDefault(m => m.Id == parent) : null;
            bool remembered = message.Role == ChatTurn.Assistant && AnswerDetails.JoinsMemory(message.State, message.Details) && question?.Role == ChatTurn.User;
            insert.CommandText =
                """
                INSERT INTO messages (conversation_id, parent_id, role, content, created, state, error, context, details, images)
                    VALUES ($id, $parent, $role, $content, $created, $state, $error, $context, $details, $images);
                SELECT last_insert_rowid();
                """ + (remembered ? "INSERT INTO memories (user, answer, conversation_id, created) VALUES ($question, $content, $id, $created);" : string.Empty);
            insert.Parameters.AddWithValue("$id", Key(id));
            insert.Parameters.AddWithValue("$parent", message.ParentId is { } p ? ids[p] : DBNull.Value);
            insert.Parameters.AddWithValue("$role", message.Role);
            insert.Parameters.AddWithValue("$content", message.Content);
            insert.Parameters.AddWithValue("$created", message.Created.ToUnixTimeMilliseconds());
            insert.Parameters.AddWithValue("$state", message.State);
            insert.Parameters.AddWithValue("$error", (object?)message.Error ?? DBNull.Value);
            insert.Parameters.AddWithValue("$context", (object?)message.Context ?? DBNull.Value);
            insert.Parameters.AddWithValue("$details", (object?)message.Details?.ToJson() ?? DBNull.Value);
            insert.Parameters.AddWithValue("$images", (object?)StoredImages.ToJson(message.Images) ?? DBNull.Value);
            insert.Parameters.AddWithValue("$question", question?.Content ?? string.Empty);
            ids[message.Id] = (long)(await insert.ExecuteScalarAsync(cancellationToken))!;
        }

        await using (var show = connection.CreateCommand())
        {
            show.Transaction = transaction;
            show.CommandText = "UPDATE conversations SET shown_id = $shown WHERE id = $id;";
            show.Parameters.AddWithValue("$id", Key(id));
            show.Parameters.AddWithValue("$shown", shownId is { } shown && ids.TryGetValue(shown, out var newId) ? newId : ids.Count > 0 ? ids.Values.Max() : DBNull.Value);
            await show.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }
}
