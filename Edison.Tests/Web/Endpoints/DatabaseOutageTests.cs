using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Edison.Core.Conversations;
using Edison.Tests.TestSupport;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Edison.Tests.Web.Endpoints;

/// <summary>The database not answering for a while: every client is told so plainly, and nothing of what they sent is half-stored.</summary>
public sealed class DatabaseOutageTests : IAsyncLifetime
{
    private readonly EdisonFactory _edison = new(TestModels.Greeting);
    private ControlledConversationStore _database = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _client = _edison.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton(sp =>
            ControlledConversationStore.Wrap(ActivatorUtilities.CreateInstance<SqliteConversationStore>(sp), out _database)))).CreateClient();
        await EdisonFactory.WaitUntilReadyAsync(_client);
    }

    public async Task DisposeAsync() => await _edison.DisposeAsync();

    [Fact]
    public async Task While_the_database_is_unreachable_clients_get_503_saying_so_and_afterwards_all_works()
    {
        var id = Guid.NewGuid();
        Assert.Equal(HttpStatusCode.OK, (await _client.PostAsync("/chat", Sse.Json(new { message = "hello", conversation_id = id }))).StatusCode);

        _database.Down = true;
        var followUp = await _client.PostAsync("/chat", Sse.Json(new { message = "and again", conversation_id = id }));
        var streamed = await _client.PostAsync("/chat/stream", Sse.Json(new { message = "and again", conversation_id = id }));
        var list = await _client.GetAsync("/api/conversations");
        _database.Down = false;
        var afterwards = await _client.PostAsync("/chat", Sse.Json(new { message = "and again", conversation_id = id }));

        foreach (var refused in new[] { followUp, streamed, list })
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            var error = (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString();
            Assert.Equal("Edison cannot reach its database right now; nothing was changed. Try again in a moment.", error);
        }

        Assert.Equal(HttpStatusCode.OK, afterwards.StatusCode);
        var stored = await _client.GetFromJsonAsync<JsonElement>($"/api/conversations/{id}");
        Assert.Equal(["hello", "and again"], stored.GetProperty("messages").EnumerateArray().Where(m => m.GetProperty("role").GetString() == "user").Select(m => m.GetProperty("content").GetString()));
    }
}
