using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Edison.Tests.TestSupport;

namespace Edison.Tests.Web.OpenAi;

/// <summary>OpenAI's exact shapes on the wire, for clients other than the SDK.</summary>
public sealed class OpenAiWireTests(OpenAiWireTests.Host host) : IClassFixture<OpenAiWireTests.Host>
{
    public sealed class Host() : SharedEdison(new EdisonFactory(TestModels.Greeting));

    private readonly HttpClient _client = host.Client;

    [Fact]
    public async Task The_stream_is_data_lines_of_chunks_with_one_id_then_usage_then_DONE()
    {
        var response = await _client.PostAsync("/v1/chat/completions", Sse.Json(new
        {
            model = "anything",
            stream = true,
            stream_options = new { include_usage = true },
            messages = new object[] { new { role = "user", content = "hi" } },
        }));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var frames = body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.All(frames, f => Assert.StartsWith("data: ", f));
        Assert.Equal("data: [DONE]", frames[^1]);
        var chunks = frames[..^1].Select(f => JsonDocument.Parse(f["data: ".Length..]).RootElement).ToList();
        Assert.Single(chunks.Select(c => c.GetProperty("id").GetString()).Distinct());
        Assert.All(chunks, c => Assert.Equal("chat.completion.chunk", c.GetProperty("object").GetString()));
        Assert.Equal("assistant", chunks[0].GetProperty("choices")[0].GetProperty("delta").GetProperty("role").GetString());
        Assert.Equal(JsonValueKind.Null, chunks[0].GetProperty("choices")[0].GetProperty("finish_reason").ValueKind);
        var text = string.Concat(chunks.SelectMany(c => c.GetProperty("choices").EnumerateArray())
            .Select(c => c.GetProperty("delta").TryGetProperty("content", out var t) ? t.GetString() : string.Empty));
        Assert.Equal("Hello, world! 🦙", text);
        Assert.Equal("stop", chunks[^2].GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.Empty(chunks[^1].GetProperty("choices").EnumerateArray());
        var usage = chunks[^1].GetProperty("usage");
        Assert.Equal(usage.GetProperty("prompt_tokens").GetInt32() + usage.GetProperty("completion_tokens").GetInt32(), usage.GetProperty("total_tokens").GetInt32());
    }

    [Theory]
    [InlineData("{\"messages\":[]}", "\"messages\" is required")]
    [InlineData("{\"messages\":[{\"role\":\"assistant\",\"content\":\"hi\"}]}", "The last message must be a user message")]
    [InlineData("{\"messages\":[{\"role\":\"tool\",\"content\":\"42\"},{\"role\":\"user\",\"content\":\"hi\"}]}", "\"messages[0].tool_call_id\" is required")]
    [InlineData("{\"messages\":[{\"role\":\"wizard\",\"content\":\"42\"},{\"role\":\"user\",\"content\":\"hi\"}]}", "\"messages[0].role\" must be one of system, developer, user, assistant and tool; \"wizard\" is not one")]
    [InlineData("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"n\":2}", "\"n\" greater than 1")]
    [InlineData("{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"audio\"}]}]}", "has a part Edison cannot read")]
    [InlineData("{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64,iVBORw0KGgo=\"}}]}]}", "cannot see images")]
    [InlineData("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stop\":7}", "\"stop\" must be")]
    [InlineData("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stop\":\"\"}", "\"stop\" must be a non-empty string")]
    [InlineData("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"seed\":99999999999}", "\"seed\" must be a whole number from 0 to 4294967295")]
    [InlineData("{\"messages\":", "not valid JSON")]
    [InlineData("{\"messages\":[{\"role\":5,\"content\":\"hi\"}]}", "\"messages[0].role\" must be a string")]
    [InlineData("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":\"yes\"}", "\"stream\" must be true or false")]
    [InlineData("{\"messages\":[{\"role\":\"user\",\"content\":\"a\\ud800b\"}]}", "\"messages[0].content\" holds text that is not valid Unicode")]
    [InlineData("{\"messages\":[{\"role\":\"system\",\"content\":\"\\udfff\"},{\"role\":\"user\",\"content\":\"hi\"}]}", "\"messages[0].content\" holds text that is not valid Unicode")]
    [InlineData("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stop\":[\"\\ud800\"]}", "\"stop[0]\" holds text that is not valid Unicode")]
    [InlineData("{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"\\ud800\"}}]}]}", "\"messages[0].content[0].image_url.url\" holds text that is not valid Unicode")]
    [InlineData("{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"\\ud800\"}]}]}", "\"messages[0].content[0].type\" holds text that is not valid Unicode")]
    [InlineData("{\"messages\":[null]}", "\"messages[0]\" must be a message object")]
    public async Task A_bad_request_is_a_400_OpenAI_error_object(string body, string expected)
    {
        var response = await _client.PostAsync("/v1/chat/completions", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error");
        Assert.Contains(expected, error.GetProperty("message").GetString());
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal(JsonValueKind.Null, error.GetProperty("code").ValueKind);
    }

    [Fact]
    public async Task A_wrong_method_is_a_405_OpenAI_error_object()
    {
        var response = await _client.GetAsync("/v1/chat/completions");

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error");
        Assert.Equal("GET is not allowed on /v1/chat/completions; use POST.", error.GetProperty("message").GetString());
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
    }

    [Fact]
    public async Task OpenAI_clients_keep_their_own_history_so_nothing_is_stored()
    {
        var response = await _client.PostAsync("/v1/chat/completions", Sse.Json(new
        {
            messages = new object[]
            {
                new { role = "system", content = "Be brief." },
                new { role = "user", content = "my dog is Rex" },
                new { role = "assistant", content = "Nice!" },
                new { role = "user", content = new object[] { new { type = "text", text = "what is my dog called?" } } },
            },
        }));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("[]", await _client.GetStringAsync("/api/conversations"));
    }
}
