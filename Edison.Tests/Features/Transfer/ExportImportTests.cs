using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Edison.Tests.TestSupport;

namespace Edison.Tests.Features.Transfer;

/// <summary>A conversation taken out of Edison and brought back, and a branch copied to a new chat.</summary>
public sealed class ExportImportTests(ExportImportTests.Host host) : IClassFixture<ExportImportTests.Host>
{
    private readonly HttpClient _client = host.Client;

    /// <summary>Every test works in conversations of its own, found by their ids, so they share one host.</summary>
    public sealed class Host() : SharedEdison(new EdisonFactory(TestModels.Story));

    [Fact]
    public async Task An_exported_conversation_imports_as_the_same_conversation_with_every_branch()
    {
        var id = await ConversationWithTwoVersionsAsync();
        var original = await GetAsync(id);

        var export = await _client.GetAsync($"/api/conversations/{id}/export?format=json");
        var file = await export.Content.ReadAsStringAsync();
        var imported = await ImportAsync(file);
        var copy = await GetAsync(imported);

        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        Assert.Contains("attachment", export.Content.Headers.ContentDisposition?.ToString());
        Assert.NotEqual(id, imported);
        Assert.Equal(original.GetProperty("title").GetString(), copy.GetProperty("title").GetString());
        Assert.Equal(Shape(original), Shape(copy));
        var cutOff = original.GetProperty("messages")[1].GetProperty("details");
        Assert.Equal(("code", true), (cutOff.GetProperty("mode").GetString(), cutOff.GetProperty("cut_off").GetBoolean()));
        Assert.Equal(
            original.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("created").GetDateTimeOffset()),
            copy.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("created").GetDateTimeOffset()));

        // The other version came along: showing it gives the branch it had.
        var firstVersion = copy.GetProperty("messages")[3].GetProperty("sibling_ids")[0].GetInt64();
        var shown = await _client.PostAsync($"/api/conversations/{imported}/show", Sse.Json(new { message_id = firstVersion }));
        Assert.Equal(HttpStatusCode.OK, shown.StatusCode);
        Assert.Equal(4, (await shown.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("messages").GetArrayLength());
    }

    [Fact]
    public async Task The_Markdown_export_reads_as_the_branch_shown()
    {
        var id = await ConversationWithTwoVersionsAsync();

        var markdown = await _client.GetStringAsync($"/api/conversations/{id}/export?format=md");

        Assert.StartsWith("# Tell me about otters", markdown);
        Assert.Contains("**You**", markdown);
        Assert.Contains("And about beavers?", markdown);
        Assert.Contains(TestModels.StoryAnswer, markdown);
        Assert.Equal(2, markdown.Split("**Edison**").Length - 1);
        Assert.Equal(1, markdown.Split("· cut off at the length limit").Length - 1);
    }

    [Fact]
    public async Task OpenAI_style_messages_import_as_one_branch_and_the_conversation_goes_on()
    {
        var file = JsonSerializer.Serialize(new
        {
            messages = new object[]
            {
                new { role = "system", content = "You are terse." },
                new { role = "user", content = "What is the capital of Portugal?" },
                new { role = "assistant", content = "Lisbon." },
            },
        });

        var id = await ImportAsync(file);
        await ChatJson.PostAsync(_client, new { message = "And of Spain?", conversation_id = id });
        var conversation = await GetAsync(id);

        Assert.Equal("What is the capital of Portugal?", conversation.GetProperty("title").GetString());
        Assert.Equal(
            ["What is the capital of Portugal?", "Lisbon.", "And of Spain?", TestModels.StoryAnswer],
            conversation.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("content").GetString()));
    }

    /// <summary>Clients keep a thinking model's thinking inline or beside the answer: it comes in as the answer's thinking.</summary>
    [Fact]
    public async Task OpenAI_style_answers_with_their_thinking_import_it_apart_from_the_answer()
    {
        var file = JsonSerializer.Serialize(new
        {
            messages = new object[]
            {
                new { role = "user", content = "What is the capital of Portugal?" },
                new { role = "assistant", content = "<think>\nThe user wants a capital.\n</think>\n\nLisbon." },
                new { role = "user", content = "And of Spain?" },
                new { role = "assistant", content = "Madrid.", reasoning_content = "Spain's capital is Madrid." },
            },
        });

        var answers = (await GetAsync(await ImportAsync(file))).GetProperty("messages").EnumerateArray().Where(m => m.GetProperty("role").GetString() == "assistant").ToList();

        Assert.Equal(["Lisbon.", "Madrid."], answers.Select(m => m.GetProperty("content").GetString()));
        Assert.Equal(
            ["The user wants a capital.", "Spain's capital is Madrid."],
            answers.Select(m => m.GetProperty("details").GetProperty("reasoning").GetString()));
    }

    [Theory]
    [InlineData("[1, 2]", "a JSON object with a \"messages\" array")]
    [InlineData("{\"messages\":[]}", "no user or assistant messages")]
    [InlineData("{\"messages\":[{\"role\":\"assistant\",\"content\":\"hi\"}]}", "Message 1 is an assistant message where a user message should be: questions and answers take turns")]
    [InlineData("{\"messages\":[{\"role\":\"tool\",\"content\":\"x\"}]}", "the role \"tool\"")]
    [InlineData("{\"messages\":[{\"role\":\"user\"}]}", "no \"content\"")]
    [InlineData("{\"format\":\"edison.conversation\",\"messages\":[{\"id\":1,\"parent_id\":7,\"role\":\"user\",\"content\":\"x\"}]}", "follows message 7")]
    [InlineData("{\"format\":\"edison.conversation\",\"messages\":[{\"id\":1,\"role\":\"user\",\"content\":\"x\",\"state\":\"odd\"}]}", "the state \"odd\"")]
    [InlineData("{\"messages\": [", "JSON")]
    [InlineData("{\"messages\":[{\"role\":\"user\",\"content\":\"\\ud800\"}]}", "\"messages[0].content\" holds text that is not valid Unicode")]
    [InlineData("{\"messages\":[{\"role\":\"\\ud800\",\"content\":\"x\"}]}", "\"messages[0].role\" holds text that is not valid Unicode")]
    [InlineData("{\"format\":\"edison.conversation\",\"title\":\"\\udc00\",\"messages\":[{\"id\":1,\"role\":\"user\",\"content\":\"x\"}]}", "\"title\" holds text that is not valid Unicode")]
    [InlineData("{\"format\":\"edison.conversation\",\"messages\":[{\"id\":1,\"role\":\"user\",\"content\":\"x\",\"state\":\"\\ud800\"}]}", "\"messages[0].state\" holds text")]
    [InlineData("{\"format\":\"edison.conversation\",\"messages\":[{\"id\":1,\"role\":\"user\",\"content\":\"x\",\"state\":\"failed\",\"error\":\"\\ud800\"}]}", "\"messages[0].error\" holds text")]
    [InlineData("{\"format\":\"edison.conversation\",\"messages\":[{\"id\":1,\"role\":\"user\",\"content\":\"x\",\"images\":[\"\\ud800\"]}]}", "\"messages[0].images[0]\" holds text")]
    [InlineData("{\"format\":\"\\ud800\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", "\"format\" holds text")]
    public async Task A_bad_file_gets_a_clear_400_and_creates_nothing(string file, string error)
    {
        int before = (await _client.GetFromJsonAsync<JsonElement>("/api/conversations")).GetArrayLength();

        var response = await _client.PostAsync("/api/conversations/import", new StringContent(file, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var reply = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(reply.GetProperty("ok").GetBoolean());
        Assert.Contains(error, reply.GetProperty("error").GetString());
        Assert.Equal(before, (await _client.GetFromJsonAsync<JsonElement>("/api/conversations")).GetArrayLength());
    }

    [Fact]
    public async Task Branching_to_a_new_chat_copies_the_branch_up_to_a_message_and_leaves_the_original()
    {
        var id = await ConversationWithTwoVersionsAsync();
        var original = await GetAsync(id);
        long firstAnswer = original.GetProperty("messages")[1].GetProperty("id").GetInt64();

        var response = await _client.PostAsync($"/api/conversations/{id}/branch", Sse.Json(new { message_id = firstAnswer }));
        var copy = await GetAsync((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("conversation_id").GetString()!);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(Shape(original).Take(2), Shape(copy));
        Assert.Equal(Shape(original), Shape(await GetAsync(id)));
    }

    /// <summary>Two exchanges, the second answer regenerated once.</summary>
    private async Task<string> ConversationWithTwoVersionsAsync()
    {
        var id = (await ChatJson.PostAsync(_client, new { message = "Tell me about otters", mode = "code", max_tokens = 5 })).GetProperty("conversation_id").GetString()!;
        await ChatJson.PostAsync(_client, new { message = "And about beavers?", conversation_id = id });
        var question = (await GetAsync(id)).GetProperty("messages")[2].GetProperty("id").GetInt64();
        await ChatJson.PostAsync(_client, new { conversation_id = id, parent_id = question });
        return id;
    }

    private async Task<string> ImportAsync(string file)
    {
        var response = await _client.PostAsync("/api/conversations/import", new StringContent(file, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("conversation_id").GetString()!;
    }

    private Task<JsonElement> GetAsync(string id) => _client.GetFromJsonAsync<JsonElement>($"/api/conversations/{id}");

    /// <summary>What a person sees of the branch shown: each message's role, text, state and number of versions.</summary>
    private static List<string> Shape(JsonElement conversation) =>
        conversation.GetProperty("messages").EnumerateArray()
            .Select(m => $"{m.GetProperty("role")}|{m.GetProperty("content")}|{m.GetProperty("state")}|{m.GetProperty("siblings")}|{(m.TryGetProperty("details", out var d) ? d : "-")}")
            .ToList();
}
