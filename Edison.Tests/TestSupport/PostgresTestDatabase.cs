using Npgsql;

namespace Edison.Tests.TestSupport;

/// <summary>
/// A fresh PostgreSQL database for one test class, on the server named by <c>EDISON_TEST_POSTGRES</c> (a connection
/// string whose user may create databases; <c>.ci/run</c> installs and starts a local PostgreSQL and sets it).
/// </summary>
public sealed class PostgresTestDatabase : IAsyncDisposable
{
    public const string Variable = "EDISON_TEST_POSTGRES";

    private readonly string _name = $"edison_test_{Guid.NewGuid():N}";

    private PostgresTestDatabase(string server) => ConnectionString = new NpgsqlConnectionStringBuilder(server) { Database = _name, Pooling = false }.ToString();

    public string ConnectionString { get; }

    public static string? Server => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } server ? server : null;

    public static string? MissingReason => RequiredInCi.Missing(Server is not null, $"{Variable} is not set: run .ci/run, which installs and starts PostgreSQL");

    public static async Task<PostgresTestDatabase> CreateAsync()
    {
        var database = new PostgresTestDatabase(Server!);
        await using var admin = new NpgsqlConnection(Server);
        await admin.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE {database._name};", admin);
        await create.ExecuteNonQueryAsync();
        return database;
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(Server);
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_name} WITH (FORCE);", admin);
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                await drop.ExecuteNonQueryAsync();
                return;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege && attempt < 20)
            {
                // An autovacuum worker (a superuser's process) that has just started on the database cannot be
                // terminated by the test's role; it is done in a moment.
                await Task.Delay(100);
            }
        }
    }
}
