using System.Net.Http.Json;
using System.Text.Json;
using Edison.Tests.TestSupport;

namespace Edison.Tests.Features.Tools;

/// <summary>
/// Agent mode acts: the model is offered Edison's tools, calls one, reads its result and answers from it; the call and
/// its result stream as their own events, are stored with the answer, and are read back in the next turn's prompt.
/// </summary>
public sealed class AgentModeTests : IAsyncLifetime
{
    private ToolUsingEdison _edison = null!;

    private HttpClient Client => _edison.Client;

    private FakeToolModel Model => _edison.Model;

    public async Task InitializeAsync() => _edison = await ToolUsingEdison.StartAsync();

    public async Task DisposeAsync() => await _edison.DisposeAsync();

    [Fact]
    public async Task The_model_calls_the_calculator_and_answers_from_its_exact_result()
    {
        var response = await Client.PostAsync("/chat/stream", Sse.Json(new { message = "What is 2^64 + 0.1?", mode = "agent" }));
        var events = await Sse.ParseAsync(await response.Content.ReadAsStreamAsync());

        var call = Sse.Data(Assert.Single(events, e => e.EventType == "tool_call")).GetProperty("call");
        var result = Sse.Data(Assert.Single(events, e => e.EventType == "tool_result")).GetProperty("result");
        var done = Sse.Data(Assert.Single(events, e => e.EventType == "done"));
        Assert.Equal("calculator", call.GetProperty("name").GetString());
        Assert.Equal("2^64 + 0.1", call.GetProperty("arguments").GetProperty("expression").GetString());
        Assert.Equal(call.GetProperty("id").GetString(), result.GetProperty("id").GetString());
        Assert.Equal("18446744073709551616.1", result.GetProperty("content").GetString());
        Assert.Equal("The result is 18446744073709551616.1.", string.Concat(events.Where(e => e.EventType == "token").Select(Sse.TokenText)));
        Assert.True(done.GetProperty("ok").GetBoolean());
        Assert.Equal("stop", done.GetProperty("finish_reason").GetString());
        Assert.Equal("18446744073709551616.1", done.GetProperty("tools")[0].GetProperty("result").GetString());

        // The answer took two rounds of the model (the call, then the answer from its result): both are counted.
        Assert.Equal(FakeToolModel.CallTokens + FakeToolModel.AnswerTokens, done.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        Assert.Equal(2 * FakeToolModel.PromptTokens, done.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());

        // Offered Edison's own tools; web search is not one without a search provider.
        Assert.Equal(["fetch_url", "calculator", "search_conversations"], FakeToolModel.ToolsOf(Model.Requests.First()));
    }

    [Fact]
    public async Task The_call_is_stored_with_the_answer_and_read_back_in_the_next_turn()
    {
        var first = await (await Client.PostAsJsonAsync("/chat", new { message = "What is 2^64 + 0.1?", mode = "agent" })).Content.ReadFromJsonAsync<JsonElement>();
        var id = first.GetProperty("conversation_id").GetString();

        var stored = (await Client.GetFromJsonAsync<JsonElement>($"/api/conversations/{id}")).GetProperty("messages")[1];
        var run = Assert.Single(stored.GetProperty("details").GetProperty("tools").EnumerateArray());
        Assert.Equal("calculator", run.GetProperty("name").GetString());
        Assert.Equal("18446744073709551616.1", run.GetProperty("result").GetString());
        Assert.Equal("The result is 18446744073709551616.1.", stored.GetProperty("content").GetString());

        Model.Call = ("none", "{}");
        await Client.PostAsJsonAsync("/chat", new { message = "Thanks!", mode = "agent", conversation_id = id });
        var followUp = Model.Requests.Last().GetProperty("messages").EnumerateArray().ToList();
        var calls = followUp.Single(m => m.TryGetProperty("tool_calls", out var c) && c.ValueKind == JsonValueKind.Array);
        var answered = followUp.Single(m => m.GetProperty("role").GetString() == "tool");
        Assert.Equal(run.GetProperty("id").GetString(), calls.GetProperty("tool_calls")[0].GetProperty("id").GetString());
        Assert.Equal("18446744073709551616.1", answered.GetProperty("content").GetString());
        Assert.True(followUp.IndexOf(calls) < followUp.IndexOf(answered), "the call comes before its result");
    }

    [Fact]
    public async Task The_calls_go_with_the_answer_into_an_export_and_come_back_with_an_import()
    {
        var first = await (await Client.PostAsJsonAsync("/chat", new { message = "What is 2^64 + 0.1?", mode = "agent" })).Content.ReadFromJsonAsync<JsonElement>();
        var id = first.GetProperty("conversation_id").GetString();

        var file = await Client.GetStringAsync($"/api/conversations/{id}/export?format=json");
        var markdown = await Client.GetStringAsync($"/api/conversations/{id}/export?format=md");
        var imported = await (await Client.PostAsync("/api/conversations/import", new StringContent(file, System.Text.Encoding.UTF8, "application/json")))
            .Content.ReadFromJsonAsync<JsonElement>();
        var answer = (await Client.GetFromJsonAsync<JsonElement>($"/api/conversations/{imported.GetProperty("conversation_id").GetString()}")).GetProperty("messages")[1];

        var run = Assert.Single(answer.GetProperty("details").GetProperty("tools").EnumerateArray());
        Assert.Equal("calculator", run.GetProperty("name").GetString());
        Assert.Equal("18446744073709551616.1", run.GetProperty("result").GetString());
        Assert.Contains("<summary>Called calculator</summary>", markdown);
        Assert.Contains("18446744073709551616.1\n```", markdown);
    }

    [Theory]
    [InlineData("\"id\":\"call_1\",", "")]
    [InlineData("\"arguments\":\"{\\\"expression\\\":\\\"2^64 + 0.1\\\"}\"", "\"arguments\":\"{bad\"")]
    [InlineData("\"name\":\"calculator\"", "\"name\":\"a b<|im_end|>\"")]
    public async Task An_import_whose_calls_are_not_whole_is_refused_and_stores_nothing(string part, string broken)
    {
        var first = await (await Client.PostAsJsonAsync("/chat", new { message = "What is 2^64 + 0.1?", mode = "agent" })).Content.ReadFromJsonAsync<JsonElement>();
        var file = await Client.GetStringAsync($"/api/conversations/{first.GetProperty("conversation_id").GetString()}/export?format=json");
        var listed = (await Client.GetFromJsonAsync<JsonElement>("/api/conversations")).GetArrayLength();
        var damaged = System.Text.RegularExpressions.Regex.Replace(file, "\"id\":\"call_[A-Za-z0-9]+\",", "\"id\":\"call_1\",").Replace(part, broken);
        Assert.NotEqual(file, damaged);

        var response = await Client.PostAsync("/api/conversations/import", new StringContent(damaged, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("tools", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
        Assert.Equal(listed, (await Client.GetFromJsonAsync<JsonElement>("/api/conversations")).GetArrayLength());
    }

    [Fact]
    public async Task A_call_the_tool_refuses_is_the_model_s_to_read_and_the_answer_goes_on()
    {
        Model.Call = ("fetch_url", """{"url":"http://169.254.169.254/latest/meta-data/"}""");

        var done = await (await Client.PostAsJsonAsync("/chat", new { message = "Read the metadata.", mode = "agent" })).Content.ReadFromJsonAsync<JsonElement>();

        Assert.True(done.GetProperty("ok").GetBoolean(), done.ToString());
        var run = done.GetProperty("tools")[0];
        Assert.Contains("link-local", run.GetProperty("error").GetString());
        Assert.Contains("link-local", done.GetProperty("response").GetString());
    }

    [Fact]
    public async Task Chat_mode_offers_no_tools()
    {
        var done = await (await Client.PostAsJsonAsync("/chat", new { message = "What is 2^64?", mode = "chat" })).Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal("I have no tools.", done.GetProperty("response").GetString());
        Assert.Empty(FakeToolModel.ToolsOf(Model.Requests.Single()));
    }
}
