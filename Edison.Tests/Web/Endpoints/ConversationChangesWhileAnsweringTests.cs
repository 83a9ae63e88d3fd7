using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Edison.Core.Conversations;
using Edison.Core.Inference.Engine;
using Edison.Tests.TestSupport;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Edison.Tests.Web.Endpoints;

/// <summary>
/// A conversation changed by another caller while a plain <c>/chat</c> answers in it: deleted, another version shown,
/// another question answered at once. The test writes each token, so the change lands mid-answer. Each test has its
/// own Edison: an answer stopped mid-way leaves the tokens written after it to nobody.
/// </summary>
public sealed class ConversationChangesWhileAnsweringTests : IAsyncLifetime
{
    private readonly EdisonFactory _edison = new(TestModels.Story);
    private readonly ChannelEngine _engine = new();
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _client = _edison.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<IGenerationEngine>(_engine))).CreateClient();
        await EdisonFactory.WaitUntilReadyAsync(_client);
    }

    public async Task DisposeAsync() => await _edison.DisposeAsync();

    [Fact]
    public async Task Deleting_a_conversation_stops_its_chat_answer_and_the_conversation_does_not_come_back()
    {
        var id = await AnsweredAsync(new { message = "my hamster Biscuit naps" }, "Hamsters nap a lot.");
        var running = _client.PostAsync("/chat", Sse.Json(new { message = "when does Biscuit wake?", conversation_id = id }));
        await Eventually.WaitUntilAsync(() => _engine.ActiveGenerations == 1);
        _engine.Write("At ");

        var deleted = await _client.DeleteAsync($"/api/conversations/{id}");
        _engine.Write("dusk.");
        _engine.EndAnswer();
        var answer = await (await running).Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.True(answer.TryGetProperty("stopped", out var stopped) && stopped.GetBoolean(), answer.ToString());
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync($"/api/conversations/{id}")).StatusCode);
        Assert.DoesNotContain(id, (await _client.GetStringAsync("/api/conversations")));
        var store = _edison.Services.GetRequiredService<IConversationStore>();
        Assert.Empty(await store.SearchExchangesAsync(["biscuit"], Guid.Empty, 10, CancellationToken.None));
    }

    [Fact]
    public async Task A_question_is_stored_after_the_answer_it_was_asked_from_when_another_version_is_shown_meanwhile()
    {
        var id = await AnsweredAsync(new { message = "name a river" }, "The Nile.");
        var first = await MessagesAsync(id);
        await AnsweredAsync(new { conversation_id = id, parent_id = first[0].GetProperty("id").GetInt64() }, "The Amazon.");
        var running = _client.PostAsync("/chat", Sse.Json(new { message = "how long is it?", conversation_id = id }));
        await Eventually.WaitUntilAsync(() => _engine.ActiveGenerations == 1);

        var shown = await _client.PostAsync($"/api/conversations/{id}/show", Sse.Json(new { message_id = first[1].GetProperty("id").GetInt64() }));
        _engine.Write("Very long.");
        _engine.EndAnswer();
        Assert.Equal(HttpStatusCode.OK, (await running).StatusCode);

        Assert.Equal(HttpStatusCode.OK, shown.StatusCode);
        Assert.Equal(
            ["name a river", "The Amazon.", "how long is it?", "Very long."],
            (await MessagesAsync(id)).Select(m => m.GetProperty("content").GetString()));
    }

    [Fact]
    public async Task Two_questions_answered_at_once_in_a_conversation_both_follow_the_answer_they_were_asked_after()
    {
        var id = await AnsweredAsync(new { message = "name a colour" }, "Red.");
        var one = _client.PostAsync("/chat", Sse.Json(new { message = "a darker one?", conversation_id = id }));
        await Eventually.WaitUntilAsync(() => _engine.ActiveGenerations == 1);
        var other = _client.PostAsync("/chat", Sse.Json(new { message = "a lighter one?", conversation_id = id }));
        await Eventually.WaitUntilAsync(() => _engine.ActiveGenerations == 2);

        _engine.EndAnswer();
        _engine.EndAnswer();
        Assert.Equal(HttpStatusCode.OK, (await one).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await other).StatusCode);
        var shown = await MessagesAsync(id);

        Assert.Equal(4, shown.Count);
        Assert.Equal(["name a colour", "Red."], shown.Take(2).Select(m => m.GetProperty("content").GetString()));
        Assert.Equal(2, shown[2].GetProperty("siblings").GetInt32());
    }

    /// <summary>A <c>/chat</c> answered with <paramref name="answer"/>; the conversation's id.</summary>
    private async Task<string> AnsweredAsync(object body, string answer)
    {
        _engine.Write(answer);
        _engine.EndAnswer();
        var done = await ChatJson.PostAsync(_client, body);
        return done.GetProperty("conversation_id").GetString()!;
    }

    private async Task<List<JsonElement>> MessagesAsync(string id) =>
        [.. (await _client.GetFromJsonAsync<JsonElement>($"/api/conversations/{id}")).GetProperty("messages").EnumerateArray()];
}
