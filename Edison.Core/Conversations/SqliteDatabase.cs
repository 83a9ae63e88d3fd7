using Microsoft.Data.Sqlite;

namespace Edison.Core.Conversations;

/// <summary>Where the SQLite file is and how its values are written: shared by the store and its search.</summary>
internal sealed class SqliteDatabase(DatabaseOptions database, EdisonOptions edison)
{
    private readonly string _connectionString = new SqliteConnectionStringBuilder(
        string.IsNullOrWhiteSpace(database.ConnectionString)
            ? $"Data Source={Path.Combine(edison.DataPath, "edison.db")}"
            : database.ConnectionString)
    {
        ForeignKeys = true,
    }.ToString();

    /// <summary>The file, as a person finds it (or the connection's data source when it is not a file).</summary>
    public string File => new SqliteConnectionStringBuilder(_connectionString).DataSource is { Length: > 0 } source ? Path.GetFullPath(source) : _connectionString;

    /// <summary>The folder of a database file, made on first start.</summary>
    public void CreateFolder()
    {
        var builder = new SqliteConnectionStringBuilder(_connectionString);
        if (!string.IsNullOrEmpty(builder.DataSource) && builder.Mode != SqliteOpenMode.Memory)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(builder.DataSource))!);
        }
    }

    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    public static string Key(Guid id) => id.ToString("D");

    public static DateTimeOffset FromUnixMs(long value) => DateTimeOffset.FromUnixTimeMilliseconds(value);
}
