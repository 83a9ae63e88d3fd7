using System.Net.Http.Json;
using System.Text.Json;
using Edison.Tests.TestSupport;

namespace Edison.Tests.Features.RemoteEngine;

/// <summary>
/// A remote engine that calls tools (another Edison on a tool-calling model, as llama-server and vLLM answer): the tools
/// a client offers pass through to it, and its calls come back as calls, with their results sent on in the history.
/// </summary>
public sealed class RemoteToolCallTests : IAsyncLifetime
{
    private const string Weather = """{"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"},"unit":{"type":"string"}},"required":["city"]}}}""";

    private readonly EdisonFactory _inference = new(TestModels.ToolCalling);
    private EdisonFactory _front = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        var inference = await _inference.StartOnSocketAsync();
        _front = EdisonFactory.InFrontOf(inference, "tools-on-the-other-edison");
        _client = await _front.CreateReadyClientAsync();
    }

    public async Task DisposeAsync()
    {
        await _front.DisposeAsync();
        await _inference.DisposeAsync();
    }

    [Fact]
    public async Task The_remote_model_s_call_comes_back_as_a_call_and_its_result_goes_on_to_it()
    {
        var first = await CompleteAsync("""[{"role":"user","content":"Weather in Paris?"}]""");
        var call = Assert.Single(first.GetProperty("message").GetProperty("tool_calls").EnumerateArray());
        Assert.Equal("tool_calls", first.GetProperty("finish_reason").GetString());
        Assert.Equal("get_weather", call.GetProperty("function").GetProperty("name").GetString());
        Assert.Equal("Paris", JsonDocument.Parse(call.GetProperty("function").GetProperty("arguments").GetString()!).RootElement.GetProperty("city").GetString());

        // The remote engine refuses a result for a call it never saw: the history went through as OpenAI's.
        var second = await CompleteAsync($$"""
            [{"role":"user","content":"Weather in Paris?"},
             {"role":"assistant","content":null,"tool_calls":[{{call.GetRawText()}}]},
             {"role":"tool","tool_call_id":"{{call.GetProperty("id").GetString()}}","content":"21 C, clear"}]
            """);
        Assert.Equal("tool_calls", second.GetProperty("finish_reason").GetString());
    }

    private async Task<JsonElement> CompleteAsync(string messages)
    {
        var response = await _client.PostAsync("/v1/chat/completions", Sse.Json(JsonDocument.Parse($$"""
            {"messages":{{messages}},"tools":[{{Weather}}],"temperature":0}
            """).RootElement));
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.IsSuccessStatusCode, body.ToString());
        return body.GetProperty("choices")[0];
    }
}
