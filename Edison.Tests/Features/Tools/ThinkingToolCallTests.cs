using System.Net.Http.Json;
using System.Text.Json;
using Edison.Tests.TestSupport;

namespace Edison.Tests.Features.Tools;

/// <summary>A model that thinks before it calls (Qwen3): the thinking stays in its own channel, the call is read out of the answer.</summary>
public sealed class ThinkingToolCallTests(ThinkingToolCallTests.Host host) : IClassFixture<ThinkingToolCallTests.Host>
{
    private const string Weather = """{"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"},"unit":{"type":"string"}},"required":["city"]}}}""";

    public sealed class Host() : SharedEdison(new EdisonFactory(TestModels.ThinkingToolCalling));

    [Theory]
    [InlineData("auto")]
    [InlineData("required")]
    public async Task The_thinking_is_reasoning_and_the_call_that_follows_it_a_tool_call(string choice)
    {
        var response = await host.Client.PostAsync("/v1/chat/completions", Sse.Json(JsonDocument.Parse($$"""
            {"messages":[{"role":"user","content":"Weather in Paris?"}],"tools":[{{Weather}}],"tool_choice":"{{choice}}","temperature":0}
            """).RootElement));
        response.EnsureSuccessStatusCode();
        var choiceMade = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("choices")[0];
        var message = choiceMade.GetProperty("message");

        Assert.Equal("tool_calls", choiceMade.GetProperty("finish_reason").GetString());
        Assert.Equal(TestModels.ToolThought, message.GetProperty("reasoning_content").GetString());
        Assert.Equal(JsonValueKind.Null, message.GetProperty("content").ValueKind);
        var call = Assert.Single(message.GetProperty("tool_calls").EnumerateArray()).GetProperty("function");
        Assert.Equal("get_weather", call.GetProperty("name").GetString());
        Assert.Equal("Paris", JsonDocument.Parse(call.GetProperty("arguments").GetString()!).RootElement.GetProperty("city").GetString());
    }
}
