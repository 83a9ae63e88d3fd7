using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Edison.Core.Chat;
using Edison.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Edison.Tests.Features.Branching;

/// <summary>
/// Regenerating and editing from a client: <c>parent_id</c> answers from a point of the stored conversation, every
/// earlier version stays, and the history the model reads is the branch the answer follows.
/// </summary>
public sealed class BranchingTests(BranchingTests.Host host) : IClassFixture<BranchingTests.Host>
{
    private readonly EdisonFactory _edison = host.Factory;
    private readonly HttpClient _client = host.Client;

    /// <summary>Every test works in conversations of its own, found by their ids, so they share one host.</summary>
    public sealed class Host() : SharedEdison(new EdisonFactory(TestModels.Story));

    [Fact]
    public async Task Regenerating_an_answer_keeps_the_old_one_beside_it_and_the_next_turn_reads_the_new_one()
    {
        var id = await StartAsync("Tell me about otters", "And about beavers?");
        var shown = await MessagesAsync(id);

        await ChatJson.PostAsync(_client, new { conversation_id = id, parent_id = shown[2].GetProperty("id").GetInt64() });
        var after = await MessagesAsync(id);

        Assert.Equal(4, after.Count);
        Assert.Equal("And about beavers?", after[2].GetProperty("content").GetString());
        Assert.Equal(shown[2].GetProperty("id").GetInt64(), after[3].GetProperty("parent_id").GetInt64());
        Assert.Equal(
            [shown[3].GetProperty("id").GetInt64(), after[3].GetProperty("id").GetInt64()],
            after[3].GetProperty("sibling_ids").EnumerateArray().Select(e => e.GetInt64()));
        Assert.Equal(2, after[3].GetProperty("siblings").GetInt32());
        Assert.Equal(1, after[2].GetProperty("siblings").GetInt32());
    }

    [Fact]
    public async Task An_edited_question_is_answered_with_the_branch_before_it_as_history_and_the_original_stays()
    {
        var id = await StartAsync("My cat is called Tom", "What is my cat called?");
        var shown = await MessagesAsync(id);
        long firstAnswer = shown[1].GetProperty("id").GetInt64();

        var prompt = (await PrepareAsync(new ChatRequest("Is Tom a good name for a cat?", ConversationId: id) { ParentId = firstAnswer })).Prompt.Text;
        await ChatJson.PostAsync(_client, new { conversation_id = id, parent_id = firstAnswer, message = "Is Tom a good name for a cat?" });
        var edited = await MessagesAsync(id);
        var original = await ShowAsync(id, shown[2].GetProperty("id").GetInt64());

        Assert.Contains("My cat is called Tom", prompt);
        Assert.DoesNotContain("What is my cat called?", prompt);
        Assert.Equal(["My cat is called Tom", TestModels.StoryAnswer, "Is Tom a good name for a cat?", TestModels.StoryAnswer], Contents(edited));
        Assert.Equal(2, edited[2].GetProperty("siblings").GetInt32());
        Assert.Equal(["My cat is called Tom", TestModels.StoryAnswer, "What is my cat called?", TestModels.StoryAnswer], Contents(original));
        Assert.Equal(["My cat is called Tom", TestModels.StoryAnswer, "What is my cat called?", TestModels.StoryAnswer], Contents(await MessagesAsync(id)));
    }

    [Fact]
    public async Task Editing_the_first_question_starts_the_conversation_anew_and_a_regenerated_answer_reads_its_question_as_before()
    {
        var id = await StartAsync("Name a red fruit", "Name a yellow one");
        var shown = await MessagesAsync(id);

        var restart = (await PrepareAsync(new ChatRequest("Name a green fruit", ConversationId: id) { ParentId = 0 })).Prompt.Text;
        var again = (await PrepareAsync(new ChatRequest(null, ConversationId: id) { ParentId = shown[2].GetProperty("id").GetInt64() })).Prompt.Text;
        await ChatJson.PostAsync(_client, new { conversation_id = id, parent_id = 0, message = "Name a green fruit" });

        Assert.DoesNotContain("red fruit", restart);
        Assert.Contains("Name a green fruit", restart);
        // The question answered again comes once, after the first exchange, and without the answer it had.
        Assert.Contains("Name a red fruit", again);
        Assert.Equal(1, again.Split("Name a yellow one").Length - 1);
        Assert.Equal(1, again.Split(TestModels.StoryAnswer).Length - 1);
        Assert.True(again.IndexOf("Name a yellow one", StringComparison.Ordinal) > again.IndexOf(TestModels.StoryAnswer, StringComparison.Ordinal));
        var messages = await MessagesAsync(id);
        Assert.Equal(["Name a green fruit", TestModels.StoryAnswer], Contents(messages));
        Assert.Equal(2, messages[0].GetProperty("siblings").GetInt32());
    }

    [Theory]
    [InlineData("{\"conversation_id\":\"%id%\",\"parent_id\":999999,\"message\":\"hi\"}", "is not a message of conversation")]
    [InlineData("{\"parent_id\":5,\"message\":\"hi\"}", "\"parent_id\" is the id of a message in the conversation named by \"conversation_id\"")]
    [InlineData("{\"conversation_id\":\"%id%\",\"parent_id\":-1,\"message\":\"hi\"}", "\"parent_id\" is the id of a message")]
    [InlineData("{\"conversation_id\":\"%id%\",\"parent_id\":%question%,\"message\":\"hi\"}", "is a question")]
    [InlineData("{\"conversation_id\":\"%id%\",\"parent_id\":%answer%}", "\"message\" is required")]
    public async Task A_parent_id_that_does_not_fit_is_refused_and_changes_nothing(string body, string error)
    {
        var id = await StartAsync("One question");
        var shown = await MessagesAsync(id);
        body = body.Replace("%id%", id).Replace("%question%", shown[0].GetProperty("id").ToString()).Replace("%answer%", shown[1].GetProperty("id").ToString());

        var response = await _client.PostAsync("/chat/stream", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var reply = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(reply.GetProperty("ok").GetBoolean());
        Assert.Contains(error, reply.GetProperty("error").GetString());
        var stored = await _client.GetFromJsonAsync<JsonElement>($"/api/conversations/{id}");
        Assert.Equal(2, stored.GetProperty("messages").GetArrayLength());
    }

    [Fact]
    public async Task Showing_a_message_that_is_not_in_the_conversation_is_a_clear_error()
    {
        var id = await StartAsync("One question");

        var missing = await _client.PostAsync($"/api/conversations/{id}/show", Sse.Json(new { message_id = 999999 }));
        var empty = await _client.PostAsync($"/api/conversations/{id}/show", Sse.Json(new { }));
        var unknown = await _client.PostAsync($"/api/conversations/{Guid.NewGuid()}/show", Sse.Json(new { message_id = 1 }));

        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Contains("has no message 999999", (await missing.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    private async Task<string> StartAsync(params string[] questions)
    {
        string? id = null;
        foreach (var question in questions)
        {
            var answer = await ChatJson.PostAsync(_client, id is null ? new { message = question } : new { message = question, conversation_id = id });
            id = answer.GetProperty("conversation_id").GetString();
        }

        return id!;
    }

    private async Task<List<JsonElement>> MessagesAsync(string id) =>
        (await _client.GetFromJsonAsync<JsonElement>($"/api/conversations/{id}")).GetProperty("messages").EnumerateArray().ToList();

    private async Task<List<JsonElement>> ShowAsync(string id, long messageId)
    {
        var response = await _client.PostAsync($"/api/conversations/{id}/show", Sse.Json(new { message_id = messageId }));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("messages").EnumerateArray().ToList();
    }

    private Task<PreparedChat> PrepareAsync(ChatRequest request) =>
        _edison.Services.GetRequiredService<TurnPreparation>().PrepareAsync(request, AnswerOwner.Client, CancellationToken.None);

    private static IEnumerable<string?> Contents(List<JsonElement> messages) => messages.Select(m => m.GetProperty("content").GetString());
}
