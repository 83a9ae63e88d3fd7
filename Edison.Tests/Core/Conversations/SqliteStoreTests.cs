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
        await before.BeginExchangeAsync(id, "Are you still there?", context: null, ExchangePlace.AfterShown, CancellationToken.None);

        var after = await CreateStoreAsync();
        await after.InitializeAsync(CancellationToken.None);
        var answer = (await after.GetAsync(id, CancellationToken.None))!.Messages[1];

        Assert.Equal(MessageState.Failed, answer.State);
        Assert.Contains("stopped while this answer was being written", answer.Error);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(40)]
    public async Task Running_Edison_on_a_database_cut_short_exits_with_code_1_and_one_line_naming_the_file(int keptFraction)
    {
        var store = await CreateStoreAsync();
        await store.InitializeAsync(CancellationToken.None);
        for (int i = 0; i < 200; i++)
        {
            await store.AppendExchangeAsync(Guid.NewGuid(), $"Question {i} about tides and the moon", new string('x', 2000), null, ExchangePlace.AfterShown, null, CancellationToken.None);
        }

        SqliteConnection.ClearAllPools();
        var file = Path.Combine(_folder.FullName, "edison.db");
        var whole = await File.ReadAllBytesAsync(file);
        await File.WriteAllBytesAsync(file, whole[..(whole.Length / keptFraction)]);

        var (exit, output) = await EdisonProcess.RunAsync(
            ["--urls", "http://127.0.0.1:0"],
            new Dictionary<string, string> { ["Edison__Model__Path"] = TestModels.Greeting, ["Edison__DataPath"] = _folder.FullName });

        Assert.Equal(1, exit);
        Assert.Contains($"The database \"{file}\" is damaged or cut short", output);
        Assert.Contains("restore it from a backup", output);
        Assert.DoesNotContain("   at ", output);
    }

    /// <summary>The memory index has no foreign key: a file may hold memories of a conversation deleted before that was guarded.</summary>
    [Fact]
    public async Task A_memory_left_in_the_index_by_a_deleted_conversation_is_never_recalled()
    {
        var store = await CreateStoreAsync();
        await store.InitializeAsync(CancellationToken.None);
        using (var connection = new SqliteConnection($"Data Source={Path.Combine(_folder.FullName, "edison.db")}"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "INSERT INTO memories (user, answer, conversation_id, created) VALUES ('My gerbil Dot digs', 'Gerbils dig.', $id, 1700000000000);";
            command.Parameters.AddWithValue("$id", Guid.NewGuid().ToString("D"));
            command.ExecuteNonQuery();
        }

        Assert.Empty(await store.SearchExchangesAsync(["gerbil"], Guid.Empty, 10, CancellationToken.None));
    }

    protected override Task<IConversationStore> CreateStoreAsync() => Task.FromResult<IConversationStore>(new SqliteConversationStore(
        Options.Create(new DatabaseOptions()),
        Options.Create(new EdisonOptions { DataPath = _folder.FullName }),
        Clock));

    protected override Task<IConversationStore> CreateStoreOverPreviousSchemaAsync(Guid conversation)
    {
        var folder = _folder.CreateSubdirectory("previous");
        using (var connection = new SqliteConnection($"Data Source={Path.Combine(folder.FullName, "edison.db")}"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText =
                """
                CREATE TABLE conversations (id TEXT PRIMARY KEY, title TEXT NOT NULL, created INTEGER NOT NULL, updated INTEGER NOT NULL);
                CREATE TABLE messages (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
                    role TEXT NOT NULL, content TEXT NOT NULL, created INTEGER NOT NULL,
                    state TEXT NOT NULL DEFAULT 'completed', error TEXT, context TEXT);
                CREATE INDEX messages_by_conversation ON messages(conversation_id, id);
                CREATE INDEX conversations_by_updated ON conversations(updated DESC);
                CREATE VIRTUAL TABLE memories USING fts5(user, answer, conversation_id UNINDEXED, created UNINDEXED, tokenize = 'porter unicode61');
                INSERT INTO conversations VALUES ($id, 'old', 1700000000000, 1700000000000);
                INSERT INTO messages (conversation_id, role, content, created) VALUES
                    ($id, 'user', 'q1', 1700000000000), ($id, 'assistant', 'a1', 1700000000000),
                    ($id, 'user', 'q2', 1700000000000), ($id, 'assistant', 'a2', 1700000000000);
                PRAGMA user_version = 4;
                """;
            command.Parameters.AddWithValue("$id", conversation.ToString("D"));
            command.ExecuteNonQuery();
        }

        return Task.FromResult<IConversationStore>(new SqliteConversationStore(
            Options.Create(new DatabaseOptions()),
            Options.Create(new EdisonOptions { DataPath = folder.FullName }),
            Clock));
    }

    protected override Task DropStoreAsync()
    {
        SqliteConnection.ClearAllPools();
        _folder.Delete(recursive: true);
        return Task.CompletedTask;
    }
}
