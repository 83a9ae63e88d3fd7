using System.Net;
using System.Net.Http.Json;
using System.Net.ServerSentEvents;
using System.Text.Json;
using Edison.Core.Tools;
using Edison.Core.Tools.Mcp;
using Edison.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Edison.Tests.Features.Tools;

/// <summary>
/// An MCP tool asks the person before it runs: the stream says what would be called (<c>event: approval</c>), and only
/// <c>POST /chat/approve/{conversation_id}</c> (or the page) lets it run or denies it; the answer goes on either way.
/// </summary>
public sealed class ApprovalTests : IAsyncLifetime
{
    private ToolUsingEdison _edison = null!;

    private HttpClient Client => _edison.Client;

    private FakeToolModel Model => _edison.Model;

    public async Task InitializeAsync()
    {
        _edison = await ToolUsingEdison.StartAsync(NotebookServer.Settings("notes", McpApproval.Always));
        Model.Call = ("write_note", """{"text":"buy milk"}""");
    }

    public async Task DisposeAsync() => await _edison.DisposeAsync();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task The_call_waits_for_the_person_and_runs_only_if_approved(bool approve)
    {
        // A new conversation: the approval event names it, so a client that did not choose its id can decide.
        using var response = await Client.SendAsync(
            new HttpRequestMessage(HttpMethod.Post, "/chat/stream") { Content = Sse.Json(new { message = "Note: buy milk.", mode = "agent" }) },
            HttpCompletionOption.ResponseHeadersRead);
        var events = new List<SseItem<string>>();
        await foreach (var item in SseParser.Create(await response.Content.ReadAsStreamAsync()).EnumerateAsync())
        {
            events.Add(item);
            if (item.EventType == "approval")
            {
                var asked = Sse.Data(item).GetProperty("approval");
                Assert.Equal("write_note", asked.GetProperty("name").GetString());
                Assert.Equal("buy milk", asked.GetProperty("arguments").GetProperty("text").GetString());
                Assert.Single(Model.Requests);
                var conversation = Sse.Data(item).GetProperty("conversation_id").GetString();
                var decided = await Client.PostAsJsonAsync($"/chat/approve/{conversation}", new { call_id = asked.GetProperty("id").GetString(), approved = approve });
                Assert.Equal(HttpStatusCode.OK, decided.StatusCode);
            }
        }

        Assert.Single(events, e => e.EventType == "approval");
        var result = Sse.Data(Assert.Single(events, e => e.EventType == "tool_result")).GetProperty("result");
        var done = Sse.Data(Assert.Single(events, e => e.EventType == "done"));
        Assert.True(done.GetProperty("ok").GetBoolean(), done.ToString());
        if (approve)
        {
            Assert.Equal("Noted (1 notes).", result.GetProperty("content").GetString());
        }
        else
        {
            Assert.Equal("The person denied this call.", result.GetProperty("error").GetString());
            Assert.DoesNotContain("Noted", done.GetProperty("response").GetString());
        }

        // The model answered after the decision, from what came of the call.
        Assert.Equal(2, Model.Requests.Count);
        Assert.StartsWith("The result is", done.GetProperty("response").GetString());
    }

    [Fact]
    public async Task A_client_that_leaves_while_a_call_waits_stops_the_answer_and_nothing_runs()
    {
        var conversation = Guid.NewGuid();
        var approvals = _edison.Factory.Services.GetRequiredService<ToolApprovals>();
        using var leaving = new CancellationTokenSource();
        var answering = Client.PostAsJsonAsync("/chat", new { message = "Note: buy milk.", mode = "agent", conversation_id = conversation }, leaving.Token);
        await Eventually.WaitUntilAsync(() => Model.Requests.Count == 1 && approvals.IsWaiting(conversation, "call_1"));

        await leaving.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => answering);

        await Eventually.WaitUntilAsync(() => !approvals.IsWaiting(conversation, "call_1"));
        var late = await Client.PostAsJsonAsync($"/chat/approve/{conversation}", new { call_id = "call_1", approved = true });
        Assert.Equal(HttpStatusCode.NotFound, late.StatusCode);
        Assert.Single(Model.Requests);
    }

    [Theory]
    [InlineData("""{"call_id":"call_none","approved":true}""", HttpStatusCode.NotFound, "waiting for approval")]
    [InlineData("""{"call_id":"call_1"}""", HttpStatusCode.BadRequest, "approved")]
    [InlineData("""{"approved":true}""", HttpStatusCode.BadRequest, "call_id")]
    public async Task A_decision_on_nothing_waiting_or_without_its_fields_is_a_clear_error(string body, HttpStatusCode status, string named)
    {
        var response = await Client.PostAsync($"/chat/approve/{Guid.NewGuid()}", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(status, response.StatusCode);
        var error = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(error.GetProperty("ok").GetBoolean());
        Assert.Contains(named, error.GetProperty("error").GetString());
    }
}
