using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Edison.Core.Chat;
using Edison.Core.Context;
using Edison.Core.Conversations;
using Edison.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Edison.Tests.Features.Branching;

/// <summary>
/// Continue from a client: an answer the length limit cut off is written on from its last word, stored as one answer,
/// and the mark that it was cut off is kept with it until then.
/// </summary>
public sealed class ContinueTests(ContinueTests.Host host) : IClassFixture<ContinueTests.Host>
{
    private readonly EdisonFactory _edison = host.Factory;
    private readonly HttpClient _client = host.Client;

    /// <summary>Every test works in conversations of its own, found by their ids, so they share one host.</summary>
    public sealed class Host() : SharedEdison(new EdisonFactory(TestModels.Story));

    [Fact]
    public async Task A_cut_off_answer_continued_reads_as_one_answer_never_cut_and_is_remembered_once()
    {
        var cut = await ChatJson.PostAsync(_client, new { message = "tell me a story", max_tokens = 5 });
        var id = cut.GetProperty("conversation_id").GetString()!;
        var partial = cut.GetProperty("response").GetString()!;
        var before = await MessagesAsync(id);
        long answerId = before[1].GetProperty("id").GetInt64();
        var prompt = (await _edison.Services.GetRequiredService<TurnPreparation>()
            .PrepareAsync(new ChatRequest(null, ConversationId: id) { ContinueId = answerId }, AnswerOwner.Client, CancellationToken.None)).Prompt.Text;

        var response = await _client.PostAsync("/chat/stream", Sse.Json(new { conversation_id = id, continue_id = answerId }));
        var events = await Sse.ParseAsync(await response.Content.ReadAsStreamAsync());
        var after = await MessagesAsync(id);
        var remembered = await _edison.Services.GetRequiredService<IConversationStore>()
            .SearchExchangesAsync(["llama"], Guid.Empty, 10, CancellationToken.None);

        Assert.Equal("length", cut.GetProperty("finish_reason").GetString());
        Assert.True(before[1].GetProperty("details").GetProperty("cut_off").GetBoolean());
        Assert.Equal("chat", before[1].GetProperty("details").GetProperty("mode").GetString());
        Assert.True(partial.Length is > 0 && partial.Length < TestModels.StoryAnswer.Length, partial);
        Assert.EndsWith("User: tell me a story\nAssistant: " + partial, prompt);
        var done = Sse.Data(Assert.Single(events, e => e.EventType == "done"));
        Assert.True(done.GetProperty("ok").GetBoolean(), done.ToString());
        Assert.Equal(TestModels.StoryAnswer, done.GetProperty("response").GetString());
        Assert.Equal(TestModels.StoryAnswer[partial.Length..], string.Concat(events.Where(e => e.EventType == "token").Select(Sse.TokenText)));
        Assert.Equal(["tell me a story", TestModels.StoryAnswer], after.Select(m => m.GetProperty("content").GetString()));
        Assert.Equal((answerId, 1, "completed"), (after[1].GetProperty("id").GetInt64(), after[1].GetProperty("siblings").GetInt32(), after[1].GetProperty("state").GetString()));
        Assert.False(after[1].GetProperty("details").GetProperty("cut_off").GetBoolean());
        Assert.Equal(TestModels.StoryAnswer, Assert.Single(remembered).Answer);
    }

    [Fact]
    public async Task An_earlier_version_continued_keeps_its_own_sources_not_its_newer_siblings()
    {
        var id = Guid.NewGuid();
        var store = _edison.Services.GetRequiredService<IConversationStore>();
        var first = new AnswerDetails("chat", CutOff: true, [ChatSource.Web("Otters", "https://example.org/otters", "They hold hands.")]);
        var second = new AnswerDetails("chat", CutOff: true, [ChatSource.Web("Beavers", "https://example.org/beavers", "They build dams.")]);
        await store.AppendExchangeAsync(id, "tell me a story", "Once upon", context: null, ExchangePlace.AfterShown, first, CancellationToken.None);
        var stored = (await store.GetAsync(id, CancellationToken.None))!.Messages;
        await store.AppendExchangeAsync(id, "tell me a story", "Once", context: null, ExchangePlace.AnswerAgain(stored[0].Id), second, CancellationToken.None);

        var prepared = await _edison.Services.GetRequiredService<TurnPreparation>()
            .PrepareAsync(new ChatRequest(null, ConversationId: id.ToString()) { ContinueId = stored[1].Id }, AnswerOwner.Client, CancellationToken.None);

        Assert.Equal("Otters", Assert.Single(prepared.Sources).Title);
    }

    [Theory]
    [InlineData("{\"continue_id\":%answer%}", "\"continue_id\" is the id of an answer in the conversation named by \"conversation_id\"")]
    [InlineData("{\"conversation_id\":\"%id%\",\"continue_id\":%answer%,\"message\":\"more\"}", "send no \"message\"")]
    [InlineData("{\"conversation_id\":\"%id%\",\"continue_id\":%question%}", "is not an answer of conversation")]
    [InlineData("{\"conversation_id\":\"%id%\",\"continue_id\":%first%}", "has been replied to")]
    public async Task A_continue_id_that_does_not_fit_is_refused_and_changes_nothing(string body, string error)
    {
        var first = await ChatJson.PostAsync(_client, new { message = "One question", max_tokens = 3 });
        var id = first.GetProperty("conversation_id").GetString()!;
        await ChatJson.PostAsync(_client, new { message = "Another", conversation_id = id, max_tokens = 3 });
        var shown = await MessagesAsync(id);
        body = body.Replace("%id%", id)
            .Replace("%question%", shown[2].GetProperty("id").ToString())
            .Replace("%answer%", shown[3].GetProperty("id").ToString())
            .Replace("%first%", shown[1].GetProperty("id").ToString());

        var response = await _client.PostAsync("/chat", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var reply = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(reply.GetProperty("ok").GetBoolean());
        Assert.Contains(error, reply.GetProperty("error").GetString());
        Assert.Equal(
            shown.Select(m => m.GetProperty("content").GetString()),
            (await MessagesAsync(id)).Select(m => m.GetProperty("content").GetString()));
    }

    private async Task<List<JsonElement>> MessagesAsync(string id) =>
        (await _client.GetFromJsonAsync<JsonElement>($"/api/conversations/{id}")).GetProperty("messages").EnumerateArray().ToList();
}
