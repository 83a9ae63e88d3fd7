using Edison.Core;
using Edison.Core.Conversations;
using Edison.Tests.TestSupport;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Edison.Tests.Core.Conversations;

public sealed class PostgresStoreTests : ConversationStoreContract
{
    private readonly List<IAsyncDisposable> _created = [];

    protected override string? MissingReason => PostgresTestDatabase.MissingReason;

    protected override async Task<IConversationStore> CreateStoreAsync() => await CreateOverAsync(await NewDatabaseAsync());

    protected override async Task<IConversationStore> CreateStoreOverPreviousSchemaAsync(Guid conversation)
    {
        var database = await NewDatabaseAsync();
        await using (var connection = new NpgsqlConnection(database.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(
                $"""
                CREATE TABLE edison_schema (version integer NOT NULL);
                CREATE TABLE conversations (id uuid PRIMARY KEY, title text NOT NULL, created timestamptz NOT NULL, updated timestamptz NOT NULL);
                CREATE TABLE messages (
                    id bigserial PRIMARY KEY,
                    conversation_id uuid NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
                    role text NOT NULL, content text NOT NULL, created timestamptz NOT NULL,
                    state text NOT NULL DEFAULT 'completed', error text, context text);
                INSERT INTO conversations VALUES ('{conversation}', 'old', now(), now());
                INSERT INTO messages (conversation_id, role, content, created) VALUES
                    ('{conversation}', 'user', 'q1', now()), ('{conversation}', 'assistant', 'a1', now()),
                    ('{conversation}', 'user', 'q2', now()), ('{conversation}', 'assistant', 'a2', now());
                INSERT INTO edison_schema VALUES (3);
                """,
                connection);
            await command.ExecuteNonQueryAsync();
        }

        return await CreateOverAsync(database);
    }

    protected override async Task DropStoreAsync()
    {
        // Stores first: each holds a connection pool on its database.
        foreach (var created in Enumerable.Reverse(_created))
        {
            await created.DisposeAsync();
        }
    }

    private async Task<PostgresTestDatabase> NewDatabaseAsync()
    {
        var database = await PostgresTestDatabase.CreateAsync();
        _created.Add(database);
        return database;
    }

    private Task<IConversationStore> CreateOverAsync(PostgresTestDatabase database)
    {
        var store = new PostgresConversationStore(
            Options.Create(new DatabaseOptions { Provider = DatabaseOptions.Postgres, ConnectionString = database.ConnectionString }),
            Clock);
        _created.Add(store);
        return Task.FromResult<IConversationStore>(store);
    }
}
