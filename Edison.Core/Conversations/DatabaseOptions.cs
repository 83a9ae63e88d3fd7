namespace Edison.Core.Conversations;

/// <summary>Settings under <c>Edison:Database</c>.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Edison:Database";
    public const string Sqlite = "Sqlite";
    public const string Postgres = "Postgres";

    public string Provider { get; set; } = Sqlite;

    /// <summary>SQLite: empty means the file edison.db in Edison's data folder. Postgres: required (Npgsql's format).</summary>
    public string? ConnectionString { get; set; }

    public bool IsPostgres => string.Equals(Provider, Postgres, StringComparison.OrdinalIgnoreCase);

    public bool IsSqlite => string.Equals(Provider, Sqlite, StringComparison.OrdinalIgnoreCase);
}
