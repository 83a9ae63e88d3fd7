using System.Net;
using System.Net.Http.Json;
using System.Net.ServerSentEvents;
using System.Text.Json;
using Edison.Tests.TestSupport;

namespace Edison.Tests.Features.Resuming;

/// <summary>
/// <c>"resumable": true</c>: the answer belongs to Edison, not to the connection. A client that drops reconnects with
/// <c>Last-Event-ID</c> and gets what it missed and the rest; <c>POST /chat/stop/{id}</c> stops it.
/// </summary>
public sealed class ResumableStreamTests(ResumableStreamTests.Host host) : IClassFixture<ResumableStreamTests.Host>
{
    private readonly HttpClient _client = host.Client;

    /// <summary>Each test answers in a conversation of its own and waits for its answer to end, so they share one host.</summary>
    public sealed class Host() : SharedEdison(new EdisonFactory(TestModels.Endless, contextSize: 8192), onSocket: true);

    [Fact]
    public async Task A_client_that_drops_resumes_from_its_last_event_and_the_whole_answer_is_stored()
    {
        var id = Guid.NewGuid();
        var first = new List<SseItem<string>>();
        using (var dropping = new HttpClient { BaseAddress = _client.BaseAddress })
        {
            var response = await dropping.SendAsync(
                new HttpRequestMessage(HttpMethod.Post, "/chat/stream") { Content = Sse.Json(new { message = "go", conversation_id = id, max_tokens = 300, resumable = true }) },
                HttpCompletionOption.ResponseHeadersRead);
            await foreach (var item in SseParser.Create(await response.Content.ReadAsStreamAsync()).EnumerateAsync())
            {
                first.Add(item);
                if (first.Count == 10)
                {
                    break;
                }
            }

            response.Dispose();
        }

        var resumed = new HttpRequestMessage(HttpMethod.Get, $"/chat/stream/{id}");
        resumed.Headers.Add("Last-Event-ID", first[^1].EventId);
        var rest = await Sse.ParseAsync(await (await _client.SendAsync(resumed)).Content.ReadAsStreamAsync());

        Assert.Equal(Enumerable.Range(1, 10).Select(n => n.ToString()), first.Select(e => e.EventId));
        Assert.Equal("11", rest[0].EventId);
        var done = Sse.Data(rest.Single(e => e.EventType == "done"));
        Assert.True(done.GetProperty("ok").GetBoolean());
        Assert.Equal("length", done.GetProperty("finish_reason").GetString());
        var text = string.Concat(first.Concat(rest).Where(e => e.EventType == "token").Select(Sse.TokenText));
        Assert.Equal(done.GetProperty("response").GetString(), text);
        var stored = await _client.GetFromJsonAsync<JsonElement>($"/api/conversations/{id}");
        Assert.Equal(text, stored.GetProperty("messages")[1].GetProperty("content").GetString());
        Assert.Equal("completed", stored.GetProperty("messages")[1].GetProperty("state").GetString());
    }

    [Fact]
    public async Task Stop_ends_a_resumable_answer_for_every_reader_and_it_is_stored_as_stopped()
    {
        var id = Guid.NewGuid();
        var response = await _client.SendAsync(
            new HttpRequestMessage(HttpMethod.Post, "/chat/stream") { Content = Sse.Json(new { message = "go", conversation_id = id, max_tokens = 8000, resumable = true }) },
            HttpCompletionOption.ResponseHeadersRead);
        var mine = new List<SseItem<string>>();
        await using var events = SseParser.Create(await response.Content.ReadAsStreamAsync()).EnumerateAsync().GetAsyncEnumerator();
        Assert.True(await events.MoveNextAsync());
        mine.Add(events.Current);
        var second = _client.GetStreamAsync($"/chat/stream/{id}");

        var stop = await _client.PostAsync($"/chat/stop/{id}", null);
        while (await events.MoveNextAsync())
        {
            mine.Add(events.Current);
        }

        var theirs = await Sse.ParseAsync(await second);

        Assert.Equal(HttpStatusCode.OK, stop.StatusCode);
        Assert.True(Sse.Data(mine[^1]).GetProperty("stopped").GetBoolean());
        Assert.True(Sse.Data(theirs[^1]).GetProperty("stopped").GetBoolean());
        var stored = await _client.GetFromJsonAsync<JsonElement>($"/api/conversations/{id}");
        Assert.Equal("stopped", stored.GetProperty("messages")[1].GetProperty("state").GetString());
        var streamed = string.Concat(mine.Where(e => e.EventType == "token").Select(Sse.TokenText));
        Assert.Equal("1", mine[0].EventId);
        Assert.StartsWith("and", streamed);
        Assert.Equal(streamed, string.Concat(theirs.Where(e => e.EventType == "token").Select(Sse.TokenText)));
        Assert.Equal(streamed, stored.GetProperty("messages")[1].GetProperty("content").GetString());
        Assert.Equal(HttpStatusCode.Conflict, (await _client.PostAsync($"/chat/stop/{id}", null)).StatusCode);
    }

    [Fact]
    public async Task Deleting_a_conversation_while_it_is_answered_stops_the_answer_and_nothing_of_it_comes_back()
    {
        var id = Guid.NewGuid();
        var response = await _client.SendAsync(
            new HttpRequestMessage(HttpMethod.Post, "/chat/stream") { Content = Sse.Json(new { message = "go", conversation_id = id, max_tokens = 8000, resumable = true }) },
            HttpCompletionOption.ResponseHeadersRead);
        await using var events = SseParser.Create(await response.Content.ReadAsStreamAsync()).EnumerateAsync().GetAsyncEnumerator();
        Assert.True(await events.MoveNextAsync());

        var deleted = await _client.DeleteAsync($"/api/conversations/{id}");
        var last = events.Current;
        while (await events.MoveNextAsync())
        {
            last = events.Current;
        }

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal("done", last.EventType);
        Assert.True(Sse.Data(last).GetProperty("stopped").GetBoolean());
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync($"/api/conversations/{id}")).StatusCode);
        var listed = await _client.GetFromJsonAsync<JsonElement>("/api/conversations");
        Assert.DoesNotContain(listed.EnumerateArray(), c => c.GetProperty("id").GetGuid() == id);
    }

    [Fact]
    public async Task A_deleted_conversations_finished_answer_cannot_be_read_from_the_stream_any_more()
    {
        var id = Guid.NewGuid();
        var answered = await Sse.ParseAsync(await (await _client.PostAsync(
            "/chat/stream", Sse.Json(new { message = "go", conversation_id = id, max_tokens = 20, resumable = true }))).Content.ReadAsStreamAsync());
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync($"/chat/stream/{id}")).StatusCode);

        var deleted = await _client.DeleteAsync($"/api/conversations/{id}");
        var afterwards = await _client.GetAsync($"/chat/stream/{id}");

        Assert.Equal("done", answered[^1].EventType);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, afterwards.StatusCode);
        Assert.DoesNotContain("and on", await afterwards.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Resuming_at_or_past_a_finished_answers_last_event_ends_at_once_with_204()
    {
        var id = Guid.NewGuid();
        var answered = await Sse.ParseAsync(await (await _client.PostAsync(
            "/chat/stream", Sse.Json(new { message = "go", conversation_id = id, max_tokens = 20, resumable = true }))).Content.ReadAsStreamAsync());
        int lastId = int.Parse(answered[^1].EventId!);

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var statuses = new List<HttpStatusCode>();
        foreach (var lastSeen in new[] { lastId, lastId + 5, 99_999_999_999 })
        {
            var resumed = new HttpRequestMessage(HttpMethod.Get, $"/chat/stream/{id}");
            resumed.Headers.Add("Last-Event-ID", lastSeen.ToString());
            using var response = await _client.SendAsync(resumed, timeout.Token);
            Assert.Empty(await response.Content.ReadAsStringAsync(timeout.Token));
            statuses.Add(response.StatusCode);
        }

        var fromBefore = new HttpRequestMessage(HttpMethod.Get, $"/chat/stream/{id}");
        fromBefore.Headers.Add("Last-Event-ID", (lastId - 1).ToString());
        var rest = await Sse.ParseAsync(await (await _client.SendAsync(fromBefore, timeout.Token)).Content.ReadAsStreamAsync(timeout.Token));

        Assert.Equal([HttpStatusCode.NoContent, HttpStatusCode.NoContent, HttpStatusCode.NoContent], statuses);
        Assert.Equal("done", Assert.Single(rest).EventType);
    }

    [Fact]
    public async Task A_resumable_request_while_a_clients_own_answer_runs_in_the_conversation_is_a_409()
    {
        var id = Guid.NewGuid();
        using (var first = await _client.SendAsync(
                   new HttpRequestMessage(HttpMethod.Post, "/chat/stream") { Content = Sse.Json(new { message = "go", conversation_id = id, max_tokens = 8000 }) },
                   HttpCompletionOption.ResponseHeadersRead))
        {
            await using var events = SseParser.Create(await first.Content.ReadAsStreamAsync()).EnumerateAsync().GetAsyncEnumerator();
            Assert.True(await events.MoveNextAsync());

            var second = await _client.PostAsync("/chat/stream", Sse.Json(new { message = "and again", conversation_id = id, resumable = true }));

            Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
            Assert.Contains("being answered already", (await second.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
        }

        // The client left, which ended its answer: the conversation takes the resumable one.
        HttpStatusCode status;
        var deadline = DateTime.UtcNow.AddSeconds(20);
        do
        {
            await Task.Delay(200);
            using var again = await _client.PostAsync("/chat/stream", Sse.Json(new { message = "and again", conversation_id = id, resumable = true, max_tokens = 4 }));
            status = again.StatusCode;
        }
        while (status == HttpStatusCode.Conflict && DateTime.UtcNow < deadline);

        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task Stop_where_nothing_runs_answers_409_as_the_README_says()
    {
        var never = await _client.PostAsync($"/chat/stop/{Guid.NewGuid()}", null);
        var notAnId = await _client.PostAsync("/chat/stop/not-an-id", null);

        Assert.Equal(HttpStatusCode.Conflict, never.StatusCode);
        Assert.Contains("no answer being written", (await never.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, notAnId.StatusCode);
    }

    [Fact]
    public async Task Without_resumable_the_stream_keeps_its_contract_a_disconnect_stops_it_and_nothing_is_stored()
    {
        var id = Guid.NewGuid();
        using (var dropping = new HttpClient { BaseAddress = _client.BaseAddress })
        {
            var response = await dropping.SendAsync(
                new HttpRequestMessage(HttpMethod.Post, "/chat/stream") { Content = Sse.Json(new { message = "go", conversation_id = id, max_tokens = 8000 }) },
                HttpCompletionOption.ResponseHeadersRead);
            var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            Assert.Equal("event: token", await reader.ReadLineAsync());
            response.Dispose();
        }

        await Eventually.WaitUntilAsync(async () => (await _client.GetFromJsonAsync<JsonElement>("/health")).GetProperty("active_generations").GetInt32() == 0);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync($"/api/conversations/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync($"/chat/stream/{id}")).StatusCode);
    }

    [Fact]
    public async Task Resuming_a_conversation_with_no_answer_or_a_bad_id_is_a_clear_error()
    {
        var unknown = await _client.GetAsync($"/chat/stream/{Guid.NewGuid()}");
        var notAnId = await _client.GetAsync("/chat/stream/not-an-id");
        var badEvent = new HttpRequestMessage(HttpMethod.Get, $"/chat/stream/{Guid.NewGuid()}");
        badEvent.Headers.Add("Last-Event-ID", "eleven");

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("no answer being written", (await unknown.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, notAnId.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.SendAsync(badEvent)).StatusCode);
    }
}
