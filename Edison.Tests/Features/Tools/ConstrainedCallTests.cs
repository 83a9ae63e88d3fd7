using System.Net.Http.Json;
using System.Text.Json;
using Edison.Tests.TestSupport;

namespace Edison.Tests.Features.Tools;

/// <summary>
/// A call is held to the tools' schemas while the model writes it: a model with random weights, which writes nothing
/// but noise on its own, still makes calls that are JSON and fit their schema, whatever its sampling draws.
/// </summary>
public sealed class ConstrainedCallTests(ConstrainedCallTests.Host host) : IClassFixture<ConstrainedCallTests.Host>
{
    private const string Forecast = """
        {"type":"function","function":{"name":"forecast","description":"The weather to come.","parameters":{"type":"object","properties":{
          "unit":{"type":"string","enum":["celsius","fahrenheit"]},
          "days":{"type":"integer"},
          "hourly":{"type":"boolean"},
          "place":{"type":"object","properties":{"lat":{"type":"number"},"lon":{"type":"number"}},"required":["lat","lon"]}},
          "required":["unit","days","hourly","place"]}}}
        """;

    private const string Alarm = """
        {"type":"function","function":{"name":"set_alarm","parameters":{"type":"object","properties":{
          "at":{"type":"string","enum":["morning","noon","night"]},"repeat":{"type":["boolean","null"]}},"required":["at"]}}}
        """;

    public sealed class Host() : SharedEdison(new EdisonFactory(TestModels.NonsenseWithTools));

    [Theory]
    [InlineData(1u)]
    [InlineData(2u)]
    [InlineData(3u)]
    public async Task A_model_that_writes_noise_still_calls_with_arguments_that_fit_the_schema(uint seed)
    {
        var response = await host.Client.PostAsync("/v1/chat/completions", Sse.Json(JsonDocument.Parse($$"""
            {"messages":[{"role":"user","content":"What will the weather be?"}],"tools":[{{Forecast}},{{Alarm}}],
             "tool_choice":"required","parallel_tool_calls":false,"temperature":1.0,"seed":{{seed}},"max_tokens":400}
            """).RootElement));
        response.EnsureSuccessStatusCode();
        var choice = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("choices")[0];

        Assert.Equal("tool_calls", choice.GetProperty("finish_reason").GetString());
        var call = Assert.Single(choice.GetProperty("message").GetProperty("tool_calls").EnumerateArray()).GetProperty("function");
        using var arguments = JsonDocument.Parse(call.GetProperty("arguments").GetString()!);
        var given = arguments.RootElement;
        switch (call.GetProperty("name").GetString())
        {
            case "forecast":
                Assert.Contains(given.GetProperty("unit").GetString(), (string[])["celsius", "fahrenheit"]);
                Assert.True(given.GetProperty("days").TryGetInt64(out _), $"days is an integer: {given}");
                Assert.Contains(given.GetProperty("hourly").ValueKind, (JsonValueKind[])[JsonValueKind.True, JsonValueKind.False]);
                Assert.Equal(JsonValueKind.Number, given.GetProperty("place").GetProperty("lat").ValueKind);
                Assert.Equal(JsonValueKind.Number, given.GetProperty("place").GetProperty("lon").ValueKind);
                Assert.Equal(["unit", "days", "hourly", "place"], given.EnumerateObject().Select(p => p.Name));
                break;
            case "set_alarm":
                Assert.Contains(given.GetProperty("at").GetString(), (string[])["morning", "noon", "night"]);
                Assert.True(!given.TryGetProperty("repeat", out var repeat) || repeat.ValueKind is JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null, $"repeat: {given}");
                Assert.All(given.EnumerateObject(), p => Assert.Contains(p.Name, (string[])["at", "repeat"]));
                break;
            default:
                Assert.Fail($"a call of a function never offered: {call}");
                break;
        }
    }
}
