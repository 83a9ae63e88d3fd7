using Microsoft.Data.Sqlite;
using Npgsql;
using SQLitePCL;

namespace Edison.Core.Conversations;

/// <summary>
/// The database not answering (a lost PostgreSQL server, a SQLite file that cannot be opened, written or is locked, a
/// full disk): a passing state, said plainly as such, rather than an unexpected error.
/// </summary>
public static class StoreUnavailable
{
    public const string Message = "Edison cannot reach its database right now; nothing was changed. Try again in a moment.";

    /// <summary>Whether <paramref name="e"/> is the database failing to answer, as each store's driver reports it.</summary>
    public static bool Is(Exception e) => e switch
    {
        // Connection lost, too many connections, the server shutting down.
        PostgresException server => server.SqlState[..2] is "08" or "53" or "57",

        // The driver's own: no connection, a network error, a timeout.
        NpgsqlException => true,

        SqliteException file => file.SqliteErrorCode
            is raw.SQLITE_BUSY or raw.SQLITE_LOCKED or raw.SQLITE_READONLY or raw.SQLITE_IOERR or raw.SQLITE_FULL or raw.SQLITE_CANTOPEN,
        _ => false,
    };
}
