using static Edison.Core.Conversations.SqliteDatabase;

namespace Edison.Core.Conversations;

/// <summary>The store's two searches over SQLite's FTS5 indexes: conversations by every word, remembered exchanges by any.</summary>
internal sealed class SqliteFullTextSearch(SqliteDatabase database)
{
    public async Task<IReadOnlyList<ConversationHit>> ConversationsAsync(IReadOnlyList<string> terms, int limit, CancellationToken cancellationToken)
    {
        if (terms.Count == 0)
        {
            return [];
        }

        // All of the terms required; a title match counts as a strong one.
        var query = MatchQuery(terms, "AND");
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText =
            """
            WITH hits AS (
                SELECT m.conversation_id AS id, bm25(message_search) AS rank, snippet(message_search, 0, '', '', '…', 16) AS snippet
                FROM message_search JOIN messages m ON m.id = message_search.rowid
                WHERE message_search MATCH $query
                UNION ALL
                SELECT title_search.conversation_id, bm25(title_search) * 2, title_search.title
                FROM title_search
                WHERE title_search MATCH $query
            ),
            best AS (SELECT id, rank, snippet, ROW_NUMBER() OVER (PARTITION BY id ORDER BY rank) AS place FROM hits)
            SELECT c.id, c.title, c.updated, best.snippet
            FROM best JOIN conversations c ON c.id = best.id
            WHERE best.place = 1
            ORDER BY best.rank, c.updated DESC LIMIT $limit;
            """;
        command.Parameters.AddWithValue("$query", query);
        command.Parameters.AddWithValue("$limit", limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var hits = new List<ConversationHit>();
        while (await reader.ReadAsync(cancellationToken))
        {
            hits.Add(new ConversationHit(Guid.Parse(reader.GetString(0)), reader.GetString(1), FromUnixMs(reader.GetInt64(2)), reader.GetString(3)));
        }

        return hits;
    }

    public async Task<IReadOnlyList<RememberedExchange>> ExchangesAsync(IReadOnlyList<string> terms, Guid excluding, int limit, CancellationToken cancellationToken)
    {
        if (terms.Count == 0)
        {
            return [];
        }

        var query = MatchQuery(terms, "OR");
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        // What the user said weighs four times what was answered: it is what they will ask about later. The index has no
        // foreign key, so only memories of conversations that still exist are recalled.
        command.CommandText =
            """
            SELECT conversation_id, user, answer, created FROM memories
            WHERE memories MATCH $query AND conversation_id <> $excluding AND conversation_id IN (SELECT id FROM conversations)
            ORDER BY bm25(memories, 1.0, 0.25) LIMIT $limit;
            """;
        command.Parameters.AddWithValue("$query", query);
        command.Parameters.AddWithValue("$excluding", Key(excluding));
        command.Parameters.AddWithValue("$limit", limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var found = new List<RememberedExchange>();
        while (await reader.ReadAsync(cancellationToken))
        {
            found.Add(new RememberedExchange(Guid.Parse(reader.GetString(0)), reader.GetString(1), reader.GetString(2), FromUnixMs(reader.GetInt64(3))));
        }

        return found;
    }

    /// <summary>An FTS5 query joining the terms with <paramref name="join"/>: each quoted, so FTS5 reads it as a word, whatever it is.</summary>
    private static string MatchQuery(IReadOnlyList<string> terms, string join) =>
        string.Join($" {join} ", terms.Select(t => $"\"{t.Replace("\"", string.Empty, StringComparison.Ordinal)}\""));
}
