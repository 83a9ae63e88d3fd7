using Edison.Core.Inference.Prompts;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using static Edison.Core.Conversations.PostgresParameters;

namespace Edison.Core.Conversations;

/// <summary>
/// Conversations in PostgreSQL, for several Edison nodes sharing one database. The memory index is Postgres
/// full-text search: a stored, weighted <c>tsvector</c> per exchange (the user's words weigh more) with a GIN index.
/// </summary>
public sealed class PostgresConversationStore : IConversationStore, IAsyncDisposable
{
    private readonly NpgsqlDataSource _source;
    private readonly PostgresFullTextSearch _search;
    private readonly TimeProvider _time;

    public PostgresConversationStore(IOptions<DatabaseOptions> database, TimeProvider time)
    {
        _source = NpgsqlDataSource.Create(
            database.Value.ConnectionString is { Length: > 0 } connection
                ? connection
                : throw new InvalidOperationException("Edison:Database:ConnectionString is required for the Postgres provider."));
        _search = new PostgresFullTextSearch(_source);
        _time = time;
    }

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _source.OpenConnectionAsync(cancellationToken);
        await PostgresSchema.UpgradeAsync(connection, cancellationToken);
    }

    public async Task<IReadOnlyList<ConversationSummary>> ListAsync(CancellationToken cancellationToken)
    {
        await using var command = _source.CreateCommand("SELECT id, title, updated FROM conversations ORDER BY updated DESC, created DESC;");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var list = new List<ConversationSummary>();
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new ConversationSummary(reader.GetGuid(0), reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2)));
        }

        return list;
    }

    public async Task<Conversation?> GetAsync(Guid id, bool withImages, CancellationToken cancellationToken)
    {
        await using var command = _source.CreateCommand(
            """
            SELECT c.title, c.updated, c.shown_id, m.id, m.parent_id, m.role, COALESCE(m.draft, m.content), m.created, m.state, m.error, m.context, m.details,
                CASE WHEN $2 THEN m.images END
            FROM conversations c LEFT JOIN messages m ON m.conversation_id = c.id
            WHERE c.id = $1 ORDER BY m.id;
            """);
        Add(command.Parameters, id, withImages);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await StoredMessageRow.ReadConversationAsync(reader, id, (row, column) => row.GetFieldValue<DateTimeOffset>(column), cancellationToken);
    }

    public async Task<long> WriteExchangeAsync(
        Guid id, AskedQuestion asked, string? context, ExchangePlace place, string answer, string state, AnswerDetails? details, CancellationToken cancellationToken)
    {
        var now = Now();
        await using var connection = await _source.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        string parent = place.HasParent ? "$5::bigint" : "COALESCE($5::bigint, (SELECT shown_id FROM conversations WHERE id = $1))";
        await using (var conversation = new NpgsqlCommand(null, connection, transaction))
        {
            if (place.MayCreateConversation)
            {
                conversation.CommandText =
                    "INSERT INTO conversations (id, title, created, updated) VALUES ($1, $2, $3, $3) ON CONFLICT (id) DO UPDATE SET updated = excluded.updated;";
                Add(conversation.Parameters, id, ConversationTitle.FromMessage(asked.Text), now);
            }
            else
            {
                conversation.CommandText = "UPDATE conversations SET updated = $2 WHERE id = $1;";
                Add(conversation.Parameters, id, now);
            }

            if (await conversation.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                throw new ConversationDeletedException(id);
            }
        }

        long questionId = place.QuestionId ?? 0;
        if (place.QuestionId is null)
        {
            await using var question = new NpgsqlCommand(
                $"INSERT INTO messages (conversation_id, parent_id, role, content, created, context, images) VALUES ($1, {parent}, $2, $3, $4, $6, $7) RETURNING id;",
                connection,
                transaction);
            Add(
                question.Parameters,
                id,
                ChatTurn.User,
                asked.Text,
                now,
                (object?)place.ParentId ?? DBNull.Value,
                (object?)context ?? DBNull.Value,
                (object?)StoredImages.ToJson(asked.Images) ?? DBNull.Value);
            question.Parameters[6].NpgsqlDbType = NpgsqlDbType.Text;
            questionId = (long)(await question.ExecuteScalarAsync(cancellationToken))!;
        }

        await using var batch = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                Command(
                    "INSERT INTO messages (conversation_id, parent_id, role, content, created, state, details) VALUES ($1, $2, $3, $4, $5, $6, $7::text) RETURNING id;",
                    id, questionId, ChatTurn.Assistant, answer, now, state, (object?)details?.ToJson() ?? DBNull.Value),
            },
        };
        if (AnswerDetails.JoinsMemory(state, details))
        {
            batch.BatchCommands.Add(Command(RememberSql, id, asked.Text, answer, now));
        }

        long answerId = 0;
        await using (var reader = await batch.ExecuteReaderAsync(cancellationToken))
        {
            answerId = await reader.ReadAsync(cancellationToken) ? reader.GetInt64(0) : throw new InvalidOperationException("The answer was not stored.");
        }

        await using (var show = new NpgsqlCommand("UPDATE conversations SET shown_id = $2 WHERE id = $1;", connection, transaction))
        {
            Add(show.Parameters, id, answerId);
            await show.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return answerId;
    }

    public async Task SaveAnswerSoFarAsync(Guid id, long answerId, string answer, AnswerDetails? details, CancellationToken cancellationToken)
    {
        await using var command = _source.CreateCommand(
            "UPDATE messages SET draft = $1, details = COALESCE($5::text, details) WHERE id = $2 AND conversation_id = $3 AND state = $4;");
        Add(command.Parameters, answer, answerId, id, MessageState.Answering, (object?)details?.ToJson() ?? DBNull.Value);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task FinishExchangeAsync(
        Guid id, long answerId, string userMessage, string answer, string state, string? error, AnswerDetails? details, CancellationToken cancellationToken)
    {
        var now = Now();
        await using var connection = await _source.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                Command(
                    "UPDATE messages SET content = $1, draft = NULL, state = $2, error = $3::text, details = $6::text WHERE id = $4 AND conversation_id = $5;",
                    answer, state, (object?)error ?? DBNull.Value, answerId, id, (object?)details?.ToJson() ?? DBNull.Value),
                Command("UPDATE conversations SET updated = $1 WHERE id = $2;", now, id),
            },
        };
        if (AnswerDetails.JoinsMemory(state, details))
        {
            batch.BatchCommands.Add(Command(RememberSql, id, userMessage, answer, now));
        }

        await batch.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<bool> ReopenAnswerAsync(Guid id, long answerId, CancellationToken cancellationToken)
    {
        await using var connection = await _source.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        // The exchange's memory is the answer as it was: it goes, and comes back whole when the answer is finished.
        await using var batch = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                Command(
                    """
                    DELETE FROM memories WHERE conversation_id = $1
                        AND answer = (SELECT content FROM messages WHERE id = $2)
                        AND user_text = (SELECT q.content FROM messages a JOIN messages q ON q.id = a.parent_id WHERE a.id = $2);
                    """,
                    id, answerId),
                Command(
                    "UPDATE messages SET state = $3, error = NULL WHERE id = $2 AND conversation_id = $1 AND role = $4;",
                    id, answerId, MessageState.Answering, ChatTurn.Assistant),
                Command(
                    "UPDATE conversations SET shown_id = $2 WHERE id = $1 AND EXISTS (SELECT 1 FROM messages WHERE id = $2 AND state = $3);",
                    id, answerId, MessageState.Answering),
            },
        };
        await batch.ExecuteNonQueryAsync(cancellationToken);
        bool reopened = batch.BatchCommands[1].RecordsAffected > 0;
        await transaction.CommitAsync(cancellationToken);
        return reopened;
    }

    public async Task CreateAsync(Guid id, string title, IReadOnlyList<StoredMessage> messages, long? shownId, CancellationToken cancellationToken)
    {
        await using var connection = await _source.OpenConnectionAsync(cancellationToken);
        await PostgresConversationCopy.WriteAsync(connection, id, title, messages, shownId, Now(), cancellationToken);
    }

    public async Task<bool> ShowAsync(Guid id, long leafId, CancellationToken cancellationToken)
    {
        await using var command = _source.CreateCommand(
            "UPDATE conversations SET shown_id = $2 WHERE id = $1 AND EXISTS (SELECT 1 FROM messages WHERE id = $2 AND conversation_id = $1);");
        Add(command.Parameters, id, leafId);
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    public async Task<bool> RenameAsync(Guid id, string title, string? replacing, CancellationToken cancellationToken)
    {
        await using var command = _source.CreateCommand("UPDATE conversations SET title = $2 WHERE id = $1 AND ($3::text IS NULL OR title = $3);");
        Add(command.Parameters, id, title, (object?)replacing ?? DBNull.Value);
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    /// <summary>The messages and the memory index rows go with the conversation (ON DELETE CASCADE), in one statement.</summary>
    public async Task<bool> DeleteAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var command = _source.CreateCommand("DELETE FROM conversations WHERE id = $1;");
        Add(command.Parameters, id);
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    public Task<IReadOnlyList<ConversationHit>> SearchAsync(IReadOnlyList<string> terms, int limit, CancellationToken cancellationToken) =>
        _search.ConversationsAsync(terms, limit, cancellationToken);

    public Task<IReadOnlyList<RememberedExchange>> SearchExchangesAsync(IReadOnlyList<string> terms, Guid excluding, int limit, CancellationToken cancellationToken) =>
        _search.ExchangesAsync(terms, excluding, limit, cancellationToken);

    public ValueTask DisposeAsync() => _source.DisposeAsync();

    /// <summary>Millisecond precision, as the SQLite store keeps, so both stores order and report times alike.</summary>
    private DateTimeOffset Now() => DateTimeOffset.FromUnixTimeMilliseconds(_time.GetUtcNow().ToUnixTimeMilliseconds());
}
