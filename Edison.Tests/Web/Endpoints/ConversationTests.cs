using System.Net;
using System.Text.Json;
using Edison.Tests.TestSupport;

namespace Edison.Tests.Web.Endpoints;

/// <summary>Conversations as a client sees them: stored after each completed answer, listed, read, deleted, kept across restarts.</summary>
public sealed class ConversationTests(ConversationTests.Host host) : IClassFixture<ConversationTests.Host>
{
    private readonly HttpClient _client = host.Client;

    /// <summary>
    /// One host for the tests that read only their own conversations (lists are read as the order of those); the
    /// restart test starts Edison twice on a folder of its own.
    /// </summary>
    public sealed class Host() : SharedEdison(new EdisonFactory(TestModels.Story));

    [Fact]
    public async Task A_conversation_survives_a_restart_of_Edison()
    {
        var dataPath = Directory.CreateTempSubdirectory("edison-conversations-").FullName;
        try
        {
            Guid id;
            await using (var first = new EdisonFactory(TestModels.Story, dataPath))
            {
                var client = await first.CreateReadyClientAsync();
                id = await ChatAsync(client, new { message = "tell me a story" });
                await ChatAsync(client, new { message = "another one", conversation_id = id });
            }

            await using var second = new EdisonFactory(TestModels.Story, dataPath);
            var restarted = await second.CreateReadyClientAsync();
            var conversation = await GetJsonAsync(restarted, $"/api/conversations/{id}");

            Assert.Equal(id.ToString(), conversation.GetProperty("id").GetString());
            Assert.Equal("tell me a story", conversation.GetProperty("title").GetString());
            var messages = conversation.GetProperty("messages").EnumerateArray().ToList();
            Assert.Equal(["user", "assistant", "user", "assistant"], messages.Select(m => m.GetProperty("role").GetString()));
            Assert.Equal(["tell me a story", TestModels.StoryAnswer, "another one", TestModels.StoryAnswer], messages.Select(m => m.GetProperty("content").GetString()));
            Assert.All(messages, m => Assert.True(m.GetProperty("created").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(-5)));
            Assert.True(File.Exists(Path.Combine(dataPath, "edison.db")));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dataPath, recursive: true);
        }
    }

    [Fact]
    public async Task The_list_is_newest_first_and_a_deleted_conversation_is_gone()
    {
        var older = await ChatAsync(_client, new { message = "first chat" });
        var newer = await ChatAsync(_client, new { message = "second chat" });

        var list = await ListedAsync(_client, older, newer);
        Assert.Equal([newer.ToString(), older.ToString()], list.Select(c => c.GetProperty("id").GetString()));
        Assert.Equal(["second chat", "first chat"], list.Select(c => c.GetProperty("title").GetString()));

        Assert.Equal(HttpStatusCode.NoContent, (await _client.DeleteAsync($"/api/conversations/{older}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync($"/api/conversations/{older}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.DeleteAsync($"/api/conversations/{older}")).StatusCode);
        Assert.Equal(newer.ToString(), Assert.Single(await ListedAsync(_client, older, newer)).GetProperty("id").GetString());
    }

    [Fact]
    public async Task A_conversation_of_over_a_thousand_messages_is_deleted()
    {
        var file = JsonSerializer.Serialize(new
        {
            messages = Enumerable.Range(1, 1_200).Select(n => new { role = n % 2 == 1 ? "user" : "assistant", content = $"message {n}" }),
        });
        var imported = await _client.PostAsync("/api/conversations/import", new StringContent(file, System.Text.Encoding.UTF8, "application/json"));
        var id = JsonDocument.Parse(await imported.Content.ReadAsStringAsync()).RootElement.GetProperty("conversation_id").GetString();

        var deleted = await _client.DeleteAsync($"/api/conversations/{id}");

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync($"/api/conversations/{id}")).StatusCode);
    }

    [Fact]
    public async Task A_conversation_sent_with_remember_false_is_kept_listed_and_found_by_search()
    {

        var id = await ChatAsync(_client, new { message = "keep this quokka between us", remember = false });

        var conversation = await GetJsonAsync(_client, $"/api/conversations/{id}");
        Assert.Equal(
            ["user", "assistant"],
            conversation.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("role").GetString()));
        Assert.Equal(id.ToString(), Assert.Single(await ListedAsync(_client, id)).GetProperty("id").GetString());
        Assert.Equal(id.ToString(), Assert.Single((await GetJsonAsync(_client, "/api/conversations?q=quokka")).EnumerateArray()).GetProperty("id").GetString());
    }

    [Fact]
    public async Task Search_finds_conversations_by_a_word_of_a_question_or_an_answer_with_the_words_around_it()
    {
        var otters = await ChatAsync(_client, new { message = "what do otters eat" });
        var bread = await ChatAsync(_client, new { message = "how is bread made" });

        var byQuestion = (await GetJsonAsync(_client, "/api/conversations?q=Otters%20EAT")).EnumerateArray().ToList();
        // Every answer of this model has the word; only this test's conversations are looked at.
        var byAnswer = (await GetJsonAsync(_client, "/api/conversations?q=llama")).EnumerateArray()
            .Where(h => h.GetProperty("id").GetString() == otters.ToString() || h.GetProperty("id").GetString() == bread.ToString())
            .ToList();
        var nowhere = (await GetJsonAsync(_client, "/api/conversations?q=otters%20bread")).EnumerateArray().ToList();
        var noWords = await _client.GetAsync("/api/conversations?q=%21%3F");

        var hit = Assert.Single(byQuestion);
        Assert.Equal((otters.ToString(), "what do otters eat"), (hit.GetProperty("id").GetString(), hit.GetProperty("title").GetString()));
        Assert.Contains("otters eat", hit.GetProperty("snippet").GetString());
        Assert.Equal(new[] { otters.ToString(), bread.ToString() }.Order(), byAnswer.Select(h => h.GetProperty("id").GetString()).Order());
        Assert.All(byAnswer, h => Assert.Contains("llama", h.GetProperty("snippet").GetString()));
        Assert.Empty(nowhere);
        Assert.Equal(HttpStatusCode.BadRequest, noWords.StatusCode);
        Assert.Contains("no words to search for", await noWords.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_renamed_conversation_is_listed_and_found_by_its_new_name_on_one_line()
    {
        var id = await ChatAsync(_client, new { message = "tell me a story" });

        var renamed = await _client.PatchAsync($"/api/conversations/{id}", Sse.Json(new { title = "  Bedtime\nstories\tfor   Ada " }));

        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
        Assert.Equal("Bedtime stories for Ada", JsonDocument.Parse(await renamed.Content.ReadAsStringAsync()).RootElement.GetProperty("title").GetString());
        Assert.Equal("Bedtime stories for Ada", Assert.Single(await ListedAsync(_client, id)).GetProperty("title").GetString());
        Assert.Equal("Bedtime stories for Ada", (await GetJsonAsync(_client, $"/api/conversations/{id}")).GetProperty("title").GetString());
        var found = await GetJsonAsync(_client, "/api/conversations?q=bedtime%20ada");
        Assert.Contains(found.EnumerateArray(), hit => hit.GetProperty("id").GetString() == id.ToString());
    }

    [Theory]
    [InlineData("{\"title\":\"   \"}", HttpStatusCode.BadRequest, "must have something in it")]
    [InlineData("{\"name\":\"Stories\"}", HttpStatusCode.BadRequest, "is required")]
    [InlineData("{\"title\":42}", HttpStatusCode.BadRequest, "title")]
    [InlineData("{\"title\":\"Stories\"", HttpStatusCode.BadRequest, "JSON")]
    public async Task A_rename_without_a_usable_title_is_refused_and_the_name_stays(string body, HttpStatusCode status, string reason)
    {
        var id = await ChatAsync(_client, new { message = "tell me a story" });

        var refused = await _client.PatchAsync($"/api/conversations/{id}", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(status, refused.StatusCode);
        var error = JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement;
        Assert.False(error.GetProperty("ok").GetBoolean());
        Assert.Contains(reason, error.GetProperty("error").GetString());
        Assert.Equal("tell me a story", Assert.Single(await ListedAsync(_client, id)).GetProperty("title").GetString());
    }

    [Fact]
    public async Task A_name_longer_than_a_title_and_an_unknown_conversation_get_clear_errors()
    {
        var id = await ChatAsync(_client, new { message = "tell me a story" });

        var tooLong = await _client.PatchAsync($"/api/conversations/{id}", Sse.Json(new { title = new string('a', 201) }));
        var unknown = await _client.PatchAsync($"/api/conversations/{Guid.NewGuid()}", Sse.Json(new { title = "Stories" }));
        var malformed = await _client.PatchAsync("/api/conversations/not-a-guid", Sse.Json(new { title = "Stories" }));

        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.Contains("at most 200", await tooLong.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("does not exist", await unknown.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal("tell me a story", Assert.Single(await ListedAsync(_client, id)).GetProperty("title").GetString());
    }

    [Fact]
    public async Task Unknown_and_malformed_ids_get_clear_errors()
    {

        var unknown = await _client.GetAsync($"/api/conversations/{Guid.NewGuid()}");
        var malformed = await _client.GetAsync("/api/conversations/not-a-guid");

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("does not exist", await unknown.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Contains("not a conversation id", await malformed.Content.ReadAsStringAsync());
    }

    private static async Task<Guid> ChatAsync(HttpClient client, object body)
    {
        var response = await client.PostAsync("/chat", Sse.Json(body));
        var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.True(answer.GetProperty("ok").GetBoolean(), answer.ToString());
        return Guid.Parse(answer.GetProperty("conversation_id").GetString()!);
    }

    /// <summary>The list's entries for these conversations, in the list's order.</summary>
    private static async Task<List<JsonElement>> ListedAsync(HttpClient client, params Guid[] ids) =>
        (await GetJsonAsync(client, "/api/conversations")).EnumerateArray()
            .Where(c => ids.Any(id => id.ToString() == c.GetProperty("id").GetString()))
            .ToList();

    private static async Task<JsonElement> GetJsonAsync(HttpClient client, string path) =>
        JsonDocument.Parse(await client.GetStringAsync(path)).RootElement;
}
