using System.Net.Http.Json;
using System.Text.Json;
using Edison.Tests.TestSupport;

namespace Edison.Tests.Web.Endpoints;

/// <summary>Two Edison processes on one PostgreSQL database see each other's conversations and memories.</summary>
public sealed class SharedPostgresTests
{
    [SkippableFact]
    public async Task A_conversation_written_on_one_node_is_listed_read_and_remembered_on_the_other()
    {
        Skip.If(PostgresTestDatabase.MissingReason is not null, PostgresTestDatabase.MissingReason);
        await using var database = await PostgresTestDatabase.CreateAsync();
        var settings = new Dictionary<string, string?>
        {
            ["Edison:Database:Provider"] = "Postgres",
            ["Edison:Database:ConnectionString"] = database.ConnectionString,
        };
        await using var first = new EdisonFactory(TestModels.Story, settings: settings);
        var one = await first.CreateReadyClientAsync();
        await using var second = await EdisonServerProcess.StartAsync(new Dictionary<string, string>
        {
            ["Edison__Model__Path"] = TestModels.Story,
            ["Edison__Model__ContextSize"] = "2048",
            ["Edison__DataPath"] = first.DataPath,
            ["Edison__Database__Provider"] = "Postgres",
            ["Edison__Database__ConnectionString"] = database.ConnectionString,
        });
        var two = second.Client;

        var written = await (await one.PostAsync("/chat", Sse.Json(new { message = "My dog Rex loves chasing squirrels" }))).Content.ReadFromJsonAsync<JsonElement>();
        var id = written.GetProperty("conversation_id").GetString();

        var listed = await two.GetFromJsonAsync<JsonElement>("/api/conversations");
        Assert.Equal([id], listed.EnumerateArray().Select(c => c.GetProperty("id").GetString()));
        var read = await two.GetFromJsonAsync<JsonElement>($"/api/conversations/{id}");
        Assert.Equal("My dog Rex loves chasing squirrels", read.GetProperty("messages")[0].GetProperty("content").GetString());
        var asked = await (await two.PostAsync("/chat", Sse.Json(new { message = "What does my dog chase?" }))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(id, Assert.Single(asked.GetProperty("sources").EnumerateArray()).GetProperty("conversation_id").GetString());

        Assert.Equal(System.Net.HttpStatusCode.NoContent, (await two.DeleteAsync($"/api/conversations/{id}")).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await one.GetAsync($"/api/conversations/{id}")).StatusCode);
    }
}
