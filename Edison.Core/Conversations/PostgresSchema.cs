using Npgsql;

namespace Edison.Core.Conversations;

/// <summary>
/// The PostgreSQL tables, brought up to <see cref="SchemaVersion"/> in one transaction. Every statement may run again
/// (IF NOT EXISTS, a version check for the one-time tree upgrade), so nodes of any age can start against one database.
/// </summary>
internal static class PostgresSchema
{
    public const int SchemaVersion = 7;

    // Any number both nodes agree on: the schema is created under this advisory lock, so two nodes starting together
    // do not race each other's CREATE statements.
    private const long SchemaLock = 0x4544_4953_4F4E;

    public static async Task UpgradeAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            $"""
            SELECT pg_advisory_xact_lock({SchemaLock});
            CREATE TABLE IF NOT EXISTS edison_schema (version integer NOT NULL);
            CREATE TABLE IF NOT EXISTS conversations (
                id uuid PRIMARY KEY,
                title text NOT NULL,
                created timestamptz NOT NULL,
                updated timestamptz NOT NULL
            );
            CREATE TABLE IF NOT EXISTS messages (
                id bigserial PRIMARY KEY,
                conversation_id uuid NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
                role text NOT NULL,
                content text NOT NULL,
                created timestamptz NOT NULL
            );
            CREATE INDEX IF NOT EXISTS messages_by_conversation ON messages(conversation_id, id);
            CREATE INDEX IF NOT EXISTS conversations_by_updated ON conversations(updated DESC);
            CREATE TABLE IF NOT EXISTS memories (
                id bigserial PRIMARY KEY,
                conversation_id uuid NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
                user_text text NOT NULL,
                answer text NOT NULL,
                created timestamptz NOT NULL,
                search tsvector GENERATED ALWAYS AS (
                    setweight(to_tsvector('english', user_text), 'A') || setweight(to_tsvector('english', answer), 'B')) STORED
            );
            CREATE INDEX IF NOT EXISTS memories_search ON memories USING gin(search);
            CREATE INDEX IF NOT EXISTS memories_by_conversation ON memories(conversation_id);
            ALTER TABLE messages ADD COLUMN IF NOT EXISTS state text NOT NULL DEFAULT 'completed';
            ALTER TABLE messages ADD COLUMN IF NOT EXISTS error text;
            ALTER TABLE messages ADD COLUMN IF NOT EXISTS context text;
            -- The images a question was sent with; questions stored before this had theirs dropped.
            ALTER TABLE messages ADD COLUMN IF NOT EXISTS images text;
            ALTER TABLE messages ADD COLUMN IF NOT EXISTS parent_id bigint REFERENCES messages(id) ON DELETE CASCADE;
            ALTER TABLE conversations ADD COLUMN IF NOT EXISTS shown_id bigint;
            CREATE INDEX IF NOT EXISTS messages_by_parent ON messages(parent_id);
            -- Search over every stored message and title (the memory index holds completed, remembered exchanges only).
            ALTER TABLE messages ADD COLUMN IF NOT EXISTS search tsvector GENERATED ALWAYS AS (to_tsvector('english', content)) STORED;
            CREATE INDEX IF NOT EXISTS messages_search ON messages USING gin(search);
            CREATE INDEX IF NOT EXISTS conversations_title_search ON conversations USING gin(to_tsvector('english', title));
            -- How each answer was made (mode, cut off, sources); answers stored before this have none kept.
            ALTER TABLE messages ADD COLUMN IF NOT EXISTS details text;
            -- The text of an answer being written, kept as it grows apart from its (indexed) content.
            ALTER TABLE messages ADD COLUMN IF NOT EXISTS draft text;
            -- Conversations become trees, once: a stored conversation is one branch, each message following the one before.
            UPDATE messages SET parent_id = previous.id
                FROM (SELECT id AS child, LAG(id) OVER (PARTITION BY conversation_id ORDER BY id) AS id FROM messages) previous
                WHERE messages.id = previous.child AND previous.id IS NOT NULL
                AND EXISTS (SELECT 1 FROM edison_schema WHERE version < 4);
            UPDATE conversations SET shown_id = (SELECT MAX(m.id) FROM messages m WHERE m.conversation_id = conversations.id)
                WHERE EXISTS (SELECT 1 FROM edison_schema WHERE version < 4);
            INSERT INTO edison_schema (version) SELECT {SchemaVersion} WHERE NOT EXISTS (SELECT 1 FROM edison_schema);
            UPDATE edison_schema SET version = {SchemaVersion} WHERE version < {SchemaVersion};
            """,
            connection,
            transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
}
