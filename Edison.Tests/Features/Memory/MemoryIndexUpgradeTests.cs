using System.Net.Http.Json;
using System.Text.Json;
using Edison.Tests.TestSupport;
using Microsoft.Data.Sqlite;

namespace Edison.Tests.Features.Memory;

/// <summary>
/// A database written by the first schema is upgraded in place on the first start: its exchanges are indexed as
/// memories, and its answers are marked completed.
/// </summary>
public sealed class MemoryIndexUpgradeTests : IDisposable
{
    private readonly string _dataPath = Directory.CreateTempSubdirectory("edison-upgrade-").FullName;

    [Fact]
    public async Task Exchanges_stored_by_the_first_schema_are_remembered_after_the_upgrade()
    {
        var oldConversation = Guid.NewGuid();
        WriteFirstSchemaDatabase(oldConversation, "My tortoise Boris eats dandelions", "Boris has good taste.");

        await using var edison = new EdisonFactory(TestModels.Story, _dataPath);
        var client = await edison.CreateReadyClientAsync();
        var response = await client.PostAsync("/chat", Sse.Json(new { message = "What does my tortoise eat?" }));
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();

        var source = Assert.Single(answer.GetProperty("sources").EnumerateArray());
        Assert.Equal(oldConversation.ToString(), source.GetProperty("conversation_id").GetString());
        var stored = await client.GetFromJsonAsync<JsonElement>($"/api/conversations/{oldConversation}");
        Assert.Equal(2, stored.GetProperty("messages").GetArrayLength());
        Assert.All(stored.GetProperty("messages").EnumerateArray(), m => Assert.Equal("completed", m.GetProperty("state").GetString()));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dataPath, recursive: true);
    }

    /// <summary>The schema Edison's first release wrote (user_version 1), with one exchange in it.</summary>
    private void WriteFirstSchemaDatabase(Guid conversation, string question, string answer)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(_dataPath, "edison.db")}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText =
            """
            CREATE TABLE conversations (id TEXT PRIMARY KEY, title TEXT NOT NULL, created INTEGER NOT NULL, updated INTEGER NOT NULL);
            CREATE TABLE messages (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
                role TEXT NOT NULL, content TEXT NOT NULL, created INTEGER NOT NULL);
            CREATE INDEX messages_by_conversation ON messages(conversation_id, id);
            CREATE INDEX conversations_by_updated ON conversations(updated DESC);
            INSERT INTO conversations VALUES ($id, 'old', 1700000000000, 1700000000000);
            INSERT INTO messages (conversation_id, role, content, created) VALUES ($id, 'user', $question, 1700000000000);
            INSERT INTO messages (conversation_id, role, content, created) VALUES ($id, 'assistant', $answer, 1700000000000);
            PRAGMA user_version = 1;
            """;
        command.Parameters.AddWithValue("$id", conversation.ToString("D"));
        command.Parameters.AddWithValue("$question", question);
        command.Parameters.AddWithValue("$answer", answer);
        command.ExecuteNonQuery();
    }
}
