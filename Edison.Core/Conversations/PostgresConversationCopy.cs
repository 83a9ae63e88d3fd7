using Edison.Core.Inference.Prompts;
using Npgsql;
using NpgsqlTypes;
using static Edison.Core.Conversations.PostgresParameters;

namespace Edison.Core.Conversations;

/// <summary>
/// A whole conversation written at once in one transaction (an import, a branch copied to a new chat): its messages
/// get new ids, their tree kept, and its completed exchanges join the memory index as they say.
/// </summary>
internal static class PostgresConversationCopy
{
    public static async Task WriteAsync(
        NpgsqlConnection connection, Guid id, string title, IReadOnlyList<StoredMessage> messages, long? shownId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var conversation = new NpgsqlCommand("INSERT INTO conversations (id, title, created, updated) VALUES ($1, $2, $3, $4);", connection, transaction))
        {
            Add(conversation.Parameters, id, title, messages.Count > 0 ? messages[0].Created : now, now);
            await conversation.ExecuteNonQueryAsync(cancellationToken);
        }

        var ids = new Dictionary<long, long>();
        foreach (var message in messages)
        {
            await using var insert = new NpgsqlCommand(
                "INSERT INTO messages (conversation_id, parent_id, role, content, created, state, error, context, details, images) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id;",
                connection,
                transaction);
            Add(
                insert.Parameters,
                id,
                message.ParentId is { } parent ? ids[parent] : DBNull.Value,
                message.Role,
                message.Content,
                message.Created,
                message.State,
                (object?)message.Error ?? DBNull.Value,
                (object?)message.Context ?? DBNull.Value,
                (object?)message.Details?.ToJson() ?? DBNull.Value,
                (object?)StoredImages.ToJson(message.Images) ?? DBNull.Value);
            insert.Parameters[1].NpgsqlDbType = NpgsqlDbType.Bigint;
            insert.Parameters[6].NpgsqlDbType = NpgsqlDbType.Text;
            insert.Parameters[7].NpgsqlDbType = NpgsqlDbType.Text;
            insert.Parameters[8].NpgsqlDbType = NpgsqlDbType.Text;
            insert.Parameters[9].NpgsqlDbType = NpgsqlDbType.Text;
            ids[message.Id] = (long)(await insert.ExecuteScalarAsync(cancellationToken))!;

            var question = message.ParentId is { } questionId ? messages.FirstOrDefault(m => m.Id == questionId) : null;
            if (message.Role == ChatTurn.Assistant && AnswerDetails.JoinsMemory(message.State, message.Details) && question?.Role == ChatTurn.User)
            {
                await using var remember = new NpgsqlCommand(RememberSql, connection, transaction);
                Add(remember.Parameters, id, question.Content, message.Content, message.Created);
                await remember.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        await using (var show = new NpgsqlCommand("UPDATE conversations SET shown_id = $2 WHERE id = $1;", connection, transaction))
        {
            Add(show.Parameters, id, shownId is { } shown && ids.TryGetValue(shown, out var newId) ? newId : ids.Count > 0 ? ids.Values.Max() : DBNull.Value);
            show.Parameters[1].NpgsqlDbType = NpgsqlDbType.Bigint;
            await show.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }
}
