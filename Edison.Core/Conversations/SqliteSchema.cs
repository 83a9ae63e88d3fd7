using Microsoft.Data.Sqlite;

namespace Edison.Core.Conversations;

/// <summary>
/// The SQLite file's tables, brought up to <see cref="SchemaVersion"/> (kept in <c>PRAGMA user_version</c>) in one
/// transaction, so a file is either upgraded with every conversation it held or left as it was.
/// </summary>
internal static class SqliteSchema
{
    public const int SchemaVersion = 9;

    public static async Task UpgradeAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await ExecuteAsync(connection, "PRAGMA journal_mode = WAL;", cancellationToken);
        var version = await ScalarAsync<long>(connection, "PRAGMA user_version;", cancellationToken);
        if (version >= SchemaVersion)
        {
            return;
        }

        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await ExecuteAsync(
            connection,
            """
            CREATE TABLE IF NOT EXISTS conversations (
                id TEXT PRIMARY KEY,
                title TEXT NOT NULL,
                created INTEGER NOT NULL,
                updated INTEGER NOT NULL
            );
            CREATE TABLE IF NOT EXISTS messages (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
                role TEXT NOT NULL,
                content TEXT NOT NULL,
                created INTEGER NOT NULL
            );
            CREATE INDEX IF NOT EXISTS messages_by_conversation ON messages(conversation_id, id);
            CREATE INDEX IF NOT EXISTS conversations_by_updated ON conversations(updated DESC);
            """,
            cancellationToken,
            transaction);
        if (version < 2)
        {
            // The memory index: one row per stored exchange, Porter-stemmed so "dogs" finds "dog". Exchanges stored
            // before the index existed are indexed here, once.
            await ExecuteAsync(
                connection,
                """
                CREATE VIRTUAL TABLE IF NOT EXISTS memories USING fts5(
                    user, answer, conversation_id UNINDEXED, created UNINDEXED, tokenize = 'porter unicode61');
                INSERT INTO memories (user, answer, conversation_id, created)
                    SELECT u.content, a.content, u.conversation_id, u.created
                    FROM messages u JOIN messages a ON a.id = u.id + 1 AND a.conversation_id = u.conversation_id
                    WHERE u.role = 'user' AND a.role = 'assistant';
                """,
                cancellationToken,
                transaction);
        }

        if (version < 3)
        {
            // How an answer ended; every answer stored before this was completed.
            await ExecuteAsync(
                connection,
                "ALTER TABLE messages ADD COLUMN state TEXT NOT NULL DEFAULT 'completed'; ALTER TABLE messages ADD COLUMN error TEXT;",
                cancellationToken,
                transaction);
        }

        if (version < 4)
        {
            // What a question was asked with (memories, web results); questions stored before this had none kept.
            await ExecuteAsync(connection, "ALTER TABLE messages ADD COLUMN context TEXT;", cancellationToken, transaction);
        }

        if (version < 5)
        {
            // Conversations become trees: a stored conversation is one branch, each message following the one before.
            await ExecuteAsync(
                connection,
                """
                ALTER TABLE messages ADD COLUMN parent_id INTEGER REFERENCES messages(id) ON DELETE CASCADE;
                ALTER TABLE conversations ADD COLUMN shown_id INTEGER;
                UPDATE messages SET parent_id = (
                    SELECT MAX(p.id) FROM messages p WHERE p.conversation_id = messages.conversation_id AND p.id < messages.id);
                UPDATE conversations SET shown_id = (SELECT MAX(m.id) FROM messages m WHERE m.conversation_id = conversations.id);
                CREATE INDEX IF NOT EXISTS messages_by_parent ON messages(parent_id);
                """,
                cancellationToken,
                transaction);
        }

        if (version < 6)
        {
            // Search over every stored message and title (the memory index holds completed, remembered exchanges
            // only), kept by triggers so no write can forget it; what is already stored is indexed here, once.
            await ExecuteAsync(
                connection,
                """
                CREATE VIRTUAL TABLE message_search USING fts5(content, content = 'messages', content_rowid = 'id', tokenize = 'porter unicode61');
                CREATE TRIGGER message_search_insert AFTER INSERT ON messages BEGIN
                    INSERT INTO message_search (rowid, content) VALUES (new.id, new.content);
                END;
                CREATE TRIGGER message_search_delete AFTER DELETE ON messages BEGIN
                    INSERT INTO message_search (message_search, rowid, content) VALUES ('delete', old.id, old.content);
                END;
                CREATE TRIGGER message_search_update AFTER UPDATE OF content ON messages BEGIN
                    INSERT INTO message_search (message_search, rowid, content) VALUES ('delete', old.id, old.content);
                    INSERT INTO message_search (rowid, content) VALUES (new.id, new.content);
                END;
                -- Titles keep their own copy: a conversation's rowid is not its key and VACUUM may renumber it.
                CREATE VIRTUAL TABLE title_search USING fts5(title, conversation_id UNINDEXED, tokenize = 'porter unicode61');
                CREATE TRIGGER title_search_insert AFTER INSERT ON conversations BEGIN
                    INSERT INTO title_search (title, conversation_id) VALUES (new.title, new.id);
                END;
                CREATE TRIGGER title_search_delete AFTER DELETE ON conversations BEGIN
                    DELETE FROM title_search WHERE conversation_id = old.id;
                END;
                CREATE TRIGGER title_search_update AFTER UPDATE OF title ON conversations BEGIN
                    UPDATE title_search SET title = new.title WHERE conversation_id = old.id;
                END;
                INSERT INTO title_search (title, conversation_id) SELECT title, id FROM conversations;
                INSERT INTO message_search (message_search) VALUES ('rebuild');
                """,
                cancellationToken,
                transaction);
        }

        if (version < 7)
        {
            // How each answer was made (mode, cut off, sources); answers stored before this have none kept.
            await ExecuteAsync(connection, "ALTER TABLE messages ADD COLUMN details TEXT;", cancellationToken, transaction);
        }

        if (version < 8)
        {
            // The images a question was sent with; questions stored before this had theirs dropped.
            await ExecuteAsync(connection, "ALTER TABLE messages ADD COLUMN images TEXT;", cancellationToken, transaction);
        }

        if (version < 9)
        {
            // The text of an answer being written, kept as it grows apart from its content: content is full-text
            // indexed, and re-indexing the whole answer several times a second would cost the model its CPU.
            await ExecuteAsync(connection, "ALTER TABLE messages ADD COLUMN draft TEXT;", cancellationToken, transaction);
        }

        await ExecuteAsync(connection, $"PRAGMA user_version = {SchemaVersion};", cancellationToken, transaction);
        await transaction.CommitAsync(cancellationToken);
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken, SqliteTransaction? transaction = null)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<T> ScalarAsync<T>(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (T)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
