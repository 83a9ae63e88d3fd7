using Npgsql;

namespace Edison.Core.Conversations;

/// <summary>The PostgreSQL stores' statements with positional parameters ($1, $2, …), given in order.</summary>
internal static class PostgresParameters
{
    /// <summary>
    /// An exchange joins the memory index: $1 conversation, $2 the user's words, $3 the answer, $4 when; not when the
    /// conversation is gone (an answer ending after its conversation was deleted).
    /// </summary>
    public const string RememberSql =
        "INSERT INTO memories (conversation_id, user_text, answer, created) SELECT $1, $2, $3, $4 WHERE EXISTS (SELECT 1 FROM conversations WHERE id = $1);";

    public static NpgsqlBatchCommand Command(string sql, params object[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        Add(command.Parameters, values);
        return command;
    }

    public static void Add(NpgsqlParameterCollection parameters, params object[] values)
    {
        foreach (var value in values)
        {
            parameters.Add(new NpgsqlParameter { Value = value });
        }
    }
}
