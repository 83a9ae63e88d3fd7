using Edison.Core;
using Edison.Core.Conversations;
using Edison.Tests.TestSupport;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Edison.Tests.Core.Conversations;

public sealed class SqliteStoreTests : ConversationStoreContract
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("edison-sqlite-store-");

    protected override string? MissingReason => null;

    protected override Task<IConversationStore> CreateStoreAsync() => Task.FromResult<IConversationStore>(new SqliteConversationStore(
        Options.Create(new DatabaseOptions()),
        Options.Create(new EdisonOptions { DataPath = _folder.FullName }),
        Clock));

    protected override Task DropStoreAsync()
    {
        SqliteConnection.ClearAllPools();
        _folder.Delete(recursive: true);
        return Task.CompletedTask;
    }
}

public sealed class PostgresStoreTests : ConversationStoreContract
{
    private PostgresTestDatabase? _database;
    private PostgresConversationStore? _store;

    protected override string? MissingReason => PostgresTestDatabase.MissingReason;

    protected override async Task<IConversationStore> CreateStoreAsync()
    {
        _database = await PostgresTestDatabase.CreateAsync();
        _store = new PostgresConversationStore(
            Options.Create(new DatabaseOptions { Provider = DatabaseOptions.Postgres, ConnectionString = _database.ConnectionString }),
            Clock);
        return _store;
    }

    protected override async Task DropStoreAsync()
    {
        await _store!.DisposeAsync();
        await _database!.DisposeAsync();
    }
}
