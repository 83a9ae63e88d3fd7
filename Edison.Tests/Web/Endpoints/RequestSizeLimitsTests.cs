using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Edison.Tests.TestSupport;

namespace Edison.Tests.Web.Endpoints;

/// <summary>
/// Limits on what a request may hold, as OpenAI and Edison's settings set them: the size of everything that reaches the
/// prompt, and OpenAI's stop sequences. A request past one is a 400 that says which.
/// </summary>
public sealed class RequestSizeLimitsTests(RequestSizeLimitsTests.Host host) : IClassFixture<RequestSizeLimitsTests.Host>
{
    private readonly HttpClient _client = host.Client;

    public sealed class Host() : SharedEdison(new EdisonFactory(TestModels.Greeting, settings: new Dictionary<string, string?>
    {
        ["Edison:Chat:MaxMessageCharacters"] = "1000",
        ["Edison:Chat:MaxConversationCharacters"] = "2500",
    }));

    [Theory]
    [InlineData("five stop sequences", "[\"a\",\"b\",\"c\",\"d\",\"e\"]", "at most 4")]
    [InlineData("a stop sequence of 65 characters", "\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"", "at most 64")]
    public async Task OpenAI_stop_sequences_are_limited_as_OpenAI_limits_them(string what, string stop, string expected)
    {
        var refused = await _client.PostAsync("/v1/chat/completions", Json($"{{\"messages\":[{{\"role\":\"user\",\"content\":\"hi\"}}],\"stop\":{stop}}}"));
        var fine = await _client.PostAsync("/v1/chat/completions", Json(
            $"{{\"messages\":[{{\"role\":\"user\",\"content\":\"hi\"}}],\"stop\":[\"{new string('a', 64)}\",\"b\",\"c\",\"d\"]}}"));

        Assert.True(refused.StatusCode == HttpStatusCode.BadRequest, what);
        Assert.Contains(expected, (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("message").GetString());
        Assert.Equal(HttpStatusCode.OK, fine.StatusCode);
    }

    [Theory]
    [InlineData("a system message over the message limit", "system", 1001, 1, "The system message is 1001 characters long")]
    [InlineData("a history message over the message limit", "assistant", 1001, 1, "Message 2 of the conversation is 1001 characters long")]
    [InlineData("a history that is too long together", "assistant", 900, 4, "at most 2500 in one request")]
    public async Task Every_text_that_reaches_the_prompt_counts_toward_the_size_limits(string what, string role, int length, int copies, string expected)
    {
        var messages = new List<object>();
        if (role == "system")
        {
            messages.Add(new { role, content = new string('s', length) });
        }
        else
        {
            for (int i = 0; i < copies; i++)
            {
                messages.Add(new { role = "user", content = "question" });
                messages.Add(new { role, content = new string('a', length) });
            }
        }

        messages.Add(new { role = "user", content = "hi" });
        var response = await _client.PostAsync("/v1/chat/completions", Sse.Json(new { messages }));

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, what);
        Assert.Contains(expected, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("message").GetString());
    }

    private static StringContent Json(string body) => new(body, System.Text.Encoding.UTF8, "application/json");
}
