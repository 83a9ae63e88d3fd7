using Edison.Core.Inference.Prompts;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using SQLitePCL;
using static Edison.Core.Conversations.SqliteDatabase;

namespace Edison.Core.Conversations;

/// <summary>Conversations in a SQLite file (WAL mode), created with its folder on first start.</summary>
public sealed class SqliteConversationStore : IConversationStore
{
    private readonly SqliteDatabase _database;
    private readonly SqliteFullTextSearch _search;
    private readonly TimeProvider _time;

    public SqliteConversationStore(IOptions<DatabaseOptions> database, IOptions<EdisonOptions> edison, TimeProvider time)
    {
        _database = new SqliteDatabase(database.Value, edison.Value);
        _search = new SqliteFullTextSearch(_database);
        _time = time;
    }

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        _database.CreateFolder();
        try
        {
            await using var connection = await _database.OpenAsync(cancellationToken);
            await SqliteSchema.UpgradeAsync(connection, cancellationToken);
            await MarkInterruptedAsync(connection, cancellationToken);
        }
        catch (SqliteException e) when (e.SqliteErrorCode is raw.SQLITE_CORRUPT or raw.SQLITE_NOTADB)
        {
            // SQLite says "SQLite Error 26: 'file is not a database'.": the words between the quotes are the reason.
            var reason = e.Message.Split('\'') is { Length: >= 3 } parts ? parts[1] : e.Message;
            throw new DatabaseUnusableException(
                $"The database \"{_database.File}\" is damaged or cut short ({reason}): restore it from a " +
                "backup, or move it (with its -wal and -shm files) out of the way and Edison starts with an empty one.",
                e);
        }
    }

    /// <summary>One process owns a SQLite file: an answer still marked as being written was cut short when Edison stopped.</summary>
    private static async Task MarkInterruptedAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE messages SET state = $failed, error = $error, content = COALESCE(draft, content), draft = NULL WHERE state = $answering;";
        command.Parameters.AddWithValue("$failed", MessageState.Failed);
        command.Parameters.AddWithValue("$error", MessageState.InterruptedError);
        command.Parameters.AddWithValue("$answering", MessageState.Answering);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<ConversationSummary>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, title, updated FROM conversations ORDER BY updated DESC, rowid DESC;";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var list = new List<ConversationSummary>();
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new ConversationSummary(Guid.Parse(reader.GetString(0)), reader.GetString(1), FromUnixMs(reader.GetInt64(2))));
        }

        return list;
    }

    public async Task<Conversation?> GetAsync(Guid id, bool withImages, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText =
            """
            SELECT c.title, c.updated, c.shown_id, m.id, m.parent_id, m.role, COALESCE(m.draft, m.content), m.created, m.state, m.error, m.context, m.details,
                CASE WHEN $withImages THEN m.images END
            FROM conversations c LEFT JOIN messages m ON m.conversation_id = c.id
            WHERE c.id = $id ORDER BY m.id;
            """;
        command.Parameters.AddWithValue("$id", Key(id));
        command.Parameters.AddWithValue("$withImages", withImages);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await StoredMessageRow.ReadConversationAsync(reader, id, (row, column) => FromUnixMs(row.GetInt64(column)), cancellationToken);
    }

    public async Task<long> WriteExchangeAsync(
        Guid id, AskedQuestion question, string? context, ExchangePlace place, string answer, string state, AnswerDetails? details, CancellationToken cancellationToken)
    {
        long now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        if (!place.MayCreateConversation && !await TouchAsync(connection, transaction, id, now, cancellationToken))
        {
            throw new ConversationDeletedException(id);
        }

        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        string parent = place.HasParent ? "$parent" : "(SELECT shown_id FROM conversations WHERE id = $id)";
        command.CommandText =
            $"""
            {(place.MayCreateConversation
                ? "INSERT INTO conversations (id, title, created, updated) VALUES ($id, $title, $now, $now) ON CONFLICT(id) DO UPDATE SET updated = excluded.updated;"
                : string.Empty)}
            {(place.QuestionId is null
                ? $"INSERT INTO messages (conversation_id, parent_id, role, content, created, context, images) VALUES ($id, {parent}, $userRole, $user, $now, $context, $images);"
                : string.Empty)}
            INSERT INTO messages (conversation_id, parent_id, role, content, created, state, details)
                VALUES ($id, COALESCE($question, last_insert_rowid()), $assistantRole, $answer, $now, $state, $details);
            UPDATE conversations SET shown_id = last_insert_rowid() WHERE id = $id;
            {(AnswerDetails.JoinsMemory(state, details) ? "INSERT INTO memories (user, answer, conversation_id, created) VALUES ($user, $answer, $id, $now);" : string.Empty)}
            SELECT shown_id FROM conversations WHERE id = $id;
            """;
        command.Parameters.AddWithValue("$id", Key(id));
        command.Parameters.AddWithValue("$title", ConversationTitle.FromMessage(question.Text));
        command.Parameters.AddWithValue("$now", now);
        command.Parameters.AddWithValue("$parent", (object?)place.ParentId ?? DBNull.Value);
        command.Parameters.AddWithValue("$question", (object?)place.QuestionId ?? DBNull.Value);
        command.Parameters.AddWithValue("$userRole", ChatTurn.User);
        command.Parameters.AddWithValue("$user", question.Text);
        command.Parameters.AddWithValue("$context", (object?)context ?? DBNull.Value);
        command.Parameters.AddWithValue("$images", (object?)StoredImages.ToJson(question.Images) ?? DBNull.Value);
        command.Parameters.AddWithValue("$assistantRole", ChatTurn.Assistant);
        command.Parameters.AddWithValue("$answer", answer);
        command.Parameters.AddWithValue("$state", state);
        command.Parameters.AddWithValue("$details", (object?)details?.ToJson() ?? DBNull.Value);
        long answerId = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        await transaction.CommitAsync(cancellationToken);
        return answerId;
    }

    /// <summary>Marks the conversation updated now; false when it does not exist.</summary>
    private static async Task<bool> TouchAsync(SqliteConnection connection, SqliteTransaction transaction, Guid id, long now, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "UPDATE conversations SET updated = $now WHERE id = $id;";
        command.Parameters.AddWithValue("$id", Key(id));
        command.Parameters.AddWithValue("$now", now);
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    public async Task SaveAnswerSoFarAsync(Guid id, long answerId, string answer, AnswerDetails? details, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText =
            "UPDATE messages SET draft = $answer, details = COALESCE($details, details) WHERE id = $answerId AND conversation_id = $id AND state = $answering;";
        command.Parameters.AddWithValue("$details", (object?)details?.ToJson() ?? DBNull.Value);
        command.Parameters.AddWithValue("$id", Key(id));
        command.Parameters.AddWithValue("$answerId", answerId);
        command.Parameters.AddWithValue("$answer", answer);
        command.Parameters.AddWithValue("$answering", MessageState.Answering);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task FinishExchangeAsync(
        Guid id, long answerId, string userMessage, string answer, string state, string? error, AnswerDetails? details, CancellationToken cancellationToken)
    {
        long now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText =
            """
            UPDATE messages SET content = $answer, draft = NULL, state = $state, error = $error, details = $details WHERE id = $answerId AND conversation_id = $id;
            UPDATE conversations SET updated = $now WHERE id = $id;
            """ + (AnswerDetails.JoinsMemory(state, details)
                // The memory index has no foreign key: an answer ending after its conversation was deleted is not remembered.
                ? "INSERT INTO memories (user, answer, conversation_id, created) SELECT $user, $answer, $id, $now WHERE EXISTS (SELECT 1 FROM conversations WHERE id = $id);"
                : string.Empty);
        command.Parameters.AddWithValue("$id", Key(id));
        command.Parameters.AddWithValue("$answerId", answerId);
        command.Parameters.AddWithValue("$answer", answer);
        command.Parameters.AddWithValue("$state", state);
        command.Parameters.AddWithValue("$error", (object?)error ?? DBNull.Value);
        command.Parameters.AddWithValue("$now", now);
        command.Parameters.AddWithValue("$user", userMessage);
        command.Parameters.AddWithValue("$details", (object?)details?.ToJson() ?? DBNull.Value);
        await command.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<bool> ReopenAnswerAsync(Guid id, long answerId, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;

        // The exchange's memory is the answer as it was: it goes, and comes back whole when the answer is finished.
        command.CommandText =
            """
            DELETE FROM memories WHERE conversation_id = $id
                AND answer = (SELECT content FROM messages WHERE id = $answerId)
                AND user = (SELECT q.content FROM messages a JOIN messages q ON q.id = a.parent_id WHERE a.id = $answerId);
            UPDATE messages SET state = $answering, error = NULL WHERE id = $answerId AND conversation_id = $id AND role = $assistant;
            SELECT changes();
            """;
        command.Parameters.AddWithValue("$id", Key(id));
        command.Parameters.AddWithValue("$answerId", answerId);
        command.Parameters.AddWithValue("$answering", MessageState.Answering);
        command.Parameters.AddWithValue("$assistant", ChatTurn.Assistant);
        bool reopened = (long)(await command.ExecuteScalarAsync(cancellationToken))! > 0;
        if (reopened)
        {
            await using var show = connection.CreateCommand();
            show.Transaction = transaction;
            show.CommandText = "UPDATE conversations SET shown_id = $answerId WHERE id = $id;";
            show.Parameters.AddWithValue("$id", Key(id));
            show.Parameters.AddWithValue("$answerId", answerId);
            await show.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return reopened;
    }

    public async Task CreateAsync(Guid id, string title, IReadOnlyList<StoredMessage> messages, long? shownId, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await SqliteConversationCopy.WriteAsync(connection, id, title, messages, shownId, _time.GetUtcNow().ToUnixTimeMilliseconds(), cancellationToken);
    }

    public async Task<bool> ShowAsync(Guid id, long leafId, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText =
            "UPDATE conversations SET shown_id = $leaf WHERE id = $id AND EXISTS (SELECT 1 FROM messages WHERE id = $leaf AND conversation_id = $id);";
        command.Parameters.AddWithValue("$id", Key(id));
        command.Parameters.AddWithValue("$leaf", leafId);
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    public async Task<bool> RenameAsync(Guid id, string title, string? replacing, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE conversations SET title = $title WHERE id = $id AND ($replacing IS NULL OR title = $replacing);";
        command.Parameters.AddWithValue("$id", Key(id));
        command.Parameters.AddWithValue("$title", title);
        command.Parameters.AddWithValue("$replacing", (object?)replacing ?? DBNull.Value);
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    public async Task<bool> DeleteAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        // SQLite runs each ON DELETE CASCADE as a nested trigger: deleting the first message would delete the branch
        // under it one level deeper per message, past SQLite's limit on a long conversation. Unlinked first, every
        // message goes with the conversation at one level.
        command.CommandText =
            """
            DELETE FROM memories WHERE conversation_id = $id;
            UPDATE messages SET parent_id = NULL WHERE conversation_id = $id;
            DELETE FROM conversations WHERE id = $id;
            SELECT changes();
            """;
        command.Parameters.AddWithValue("$id", Key(id));
        bool deleted = (long)(await command.ExecuteScalarAsync(cancellationToken))! > 0;
        await transaction.CommitAsync(cancellationToken);
        return deleted;
    }

    public Task<IReadOnlyList<ConversationHit>> SearchAsync(IReadOnlyList<string> terms, int limit, CancellationToken cancellationToken) =>
        _search.ConversationsAsync(terms, limit, cancellationToken);

    public Task<IReadOnlyList<RememberedExchange>> SearchExchangesAsync(IReadOnlyList<string> terms, Guid excluding, int limit, CancellationToken cancellationToken) =>
        _search.ExchangesAsync(terms, excluding, limit, cancellationToken);
}
