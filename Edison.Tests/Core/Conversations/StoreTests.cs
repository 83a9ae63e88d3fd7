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

    /// <summary>One process owns a SQLite file: an answer still being written when Edison stopped was cut short by it.</summary>
    [Fact]
    public async Task An_answer_cut_short_by_Edison_stopping_is_marked_failed_on_the_next_start()
    {
        var id = Guid.NewGuid();
        var before = await CreateStoreAsync();
        await before.BeginExchangeAsync(id, "Are you still there?", context: null, CancellationToken.None);

        var after = await CreateStoreAsync();
        await after.InitializeAsync(CancellationToken.None);
        var answer = (await after.GetAsync(id, CancellationToken.None))!.Messages[1];

        Assert.Equal(MessageState.Failed, answer.State);
        Assert.Contains("stopped while this answer was being written", answer.Error);
    }

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
