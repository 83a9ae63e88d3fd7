using Npgsql;
using NpgsqlTypes;

namespace Edison.Core.Conversations;

/// <summary>
/// The store's two searches over PostgreSQL full-text search: conversations by every word (title matches count double),
/// remembered exchanges by any.
/// </summary>
internal sealed class PostgresFullTextSearch(NpgsqlDataSource source)
{
    public async Task<IReadOnlyList<ConversationHit>> ConversationsAsync(IReadOnlyList<string> terms, int limit, CancellationToken cancellationToken)
    {
        if (terms.Count == 0)
        {
            return [];
        }

        // Every term required; a title match counts double.
        await using var command = source.CreateCommand(
            $"""
            WITH {TermsQuery("&")},
            hits AS (
                SELECT m.conversation_id AS id, ts_rank(m.search, query.q) AS rank,
                       ts_headline('english', m.content, query.q, 'StartSel="",StopSel="",MaxWords=16,MinWords=6') AS snippet
                FROM messages m, query WHERE query.q IS NOT NULL AND m.search @@ query.q
                UNION ALL
                SELECT c.id, 2 * ts_rank(to_tsvector('english', c.title), query.q), c.title
                FROM conversations c, query WHERE query.q IS NOT NULL AND to_tsvector('english', c.title) @@ query.q
            ),
            best AS (SELECT id, rank, snippet, ROW_NUMBER() OVER (PARTITION BY id ORDER BY rank DESC) AS place FROM hits)
            SELECT c.id, c.title, c.updated, best.snippet
            FROM best JOIN conversations c ON c.id = best.id
            WHERE best.place = 1
            ORDER BY best.rank DESC, c.updated DESC LIMIT $2;
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = terms.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = limit });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var hits = new List<ConversationHit>();
        while (await reader.ReadAsync(cancellationToken))
        {
            hits.Add(new ConversationHit(reader.GetGuid(0), reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2), reader.GetString(3)));
        }

        return hits;
    }

    public async Task<IReadOnlyList<RememberedExchange>> ExchangesAsync(IReadOnlyList<string> terms, Guid excluding, int limit, CancellationToken cancellationToken)
    {
        if (terms.Count == 0)
        {
            return [];
        }

        // Any of the terms.
        await using var command = source.CreateCommand(
            $"""
            WITH {TermsQuery("|")}
            SELECT m.conversation_id, m.user_text, m.answer, m.created
            FROM memories m, query
            WHERE query.q IS NOT NULL AND m.search @@ query.q AND m.conversation_id <> $2
            ORDER BY ts_rank(m.search, query.q) DESC, m.id DESC
            LIMIT $3;
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = terms.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = excluding });
        command.Parameters.Add(new NpgsqlParameter { Value = limit });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var found = new List<RememberedExchange>();
        while (await reader.ReadAsync(cancellationToken))
        {
            found.Add(new RememberedExchange(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3)));
        }

        return found;
    }

    /// <summary>
    /// The SQL of a query named <c>query</c> whose <c>q</c> joins the terms in <c>$1</c> with <paramref name="join"/>
    /// (<c>&amp;</c> or <c>|</c>): each term its own plain query, so no tsquery syntax comes from user text.
    /// </summary>
    private static string TermsQuery(string join) =>
        $"""
        query AS (
            SELECT string_agg(plainto_tsquery('english', term)::text, ' {join} ')::tsquery AS q
            FROM unnest($1::text[]) AS term
            WHERE plainto_tsquery('english', term)::text <> ''
        )
        """;
}
