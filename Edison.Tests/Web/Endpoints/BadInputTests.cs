using System.Net;
using System.Text;
using System.Text.Json;
using Edison.Tests.TestSupport;

namespace Edison.Tests.Web.Endpoints;

/// <summary>Every client mistake: a clear JSON error, the right status, no stack trace, nothing stored.</summary>
public sealed class BadInputTests(BadInputTests.Host host) : IClassFixture<BadInputTests.Host>
{
    public sealed class Host() : SharedEdison(new EdisonFactory(TestModels.Story, contextSize: 512, settings: new Dictionary<string, string?>
    {
        ["Edison:Chat:MaxRequestBytes"] = "4096",
        ["Edison:Chat:MaxImageBytes"] = "1024",

        // Every bad body is sent to two endpoints: more than a minute's generation requests from one client.
        ["Edison:RateLimit:PermitsPerMinute"] = "0",
        ["Edison:RateLimit:ConcurrentPerClient"] = "0",
    }));

    private readonly HttpClient _client = host.Client;

    public static TheoryData<string, string, string> BadBodies => new()
    {
        { "malformed JSON", "{\"message\":", "not valid JSON" },
        { "not an object", "[1,2]", "The request body must be a JSON object" },
        { "null", "null", "JSON object" },
        { "empty body", "", "body is empty" },
        { "missing message", "{\"mode\":\"chat\"}", "\"message\" is required" },
        { "empty message", "{\"message\":\"   \"}", "\"message\" is required" },
        { "message of the wrong type", "{\"message\":42}", "\"message\" must be a string" },
        { "max_tokens of the wrong type", "{\"message\":\"hi\",\"max_tokens\":\"lots\"}", "\"max_tokens\" must be a whole number" },
        { "max_tokens past any whole number Edison reads", "{\"message\":\"hi\",\"max_tokens\":99999999999}", "\"max_tokens\" must be a whole number (at most 2147483647)" },
        { "remember of the wrong type", "{\"message\":\"hi\",\"remember\":\"yes\"}", "\"remember\" must be true or false" },
        { "resumable of the wrong type", "{\"message\":\"hi\",\"resumable\":\"yes\"}", "\"resumable\" must be true or false" },
        { "temperature of the wrong type", "{\"message\":\"hi\",\"temperature\":\"warm\"}", "\"temperature\" must be a number" },
        { "unknown mode", "{\"message\":\"hi\",\"mode\":\"poetry\"}", "Unknown mode \"poetry\"" },
        { "max_tokens zero", "{\"message\":\"hi\",\"max_tokens\":0}", "\"max_tokens\" must be between 1 and 512" },
        { "max_tokens past the context", "{\"message\":\"hi\",\"max_tokens\":100000}", "\"max_tokens\" must be between 1 and 512" },
        { "temperature out of range", "{\"message\":\"hi\",\"temperature\":7}", "\"temperature\" must be between 0 and 2" },
        { "conversation_id not a GUID", "{\"message\":\"hi\",\"conversation_id\":\"abc\"}", "must be a GUID" },
        { "a PNG for a model without vision", "{\"message\":\"hi\",\"images\":[\"iVBORw0KGgo=\"]}", "cannot see images" },
        { "a WebP data URL for a model without vision", "{\"message\":\"hi\",\"images\":[\"data:image/webp;base64,UklGRhAAAABXRUJQVlA4IA==\"]}", "cannot see images" },
        { "an image that is not base64", "{\"message\":\"hi\",\"images\":[\"not base64!!\"]}", "\"images[0]\" is not valid base64" },
        { "an image given by its web address", "{\"message\":\"hi\",\"images\":[\"https://example.com/cat.png\"]}", "\"images[0]\" is a web address; Edison does not fetch images" },
        { "bytes that are no image", "{\"message\":\"hi\",\"images\":[\"iVBORw0KGgo=\",\"aGVsbG8gd29ybGQsIG5vdCBhIHBpY3R1cmU=\"]}", "\"images[1]\" is not a PNG, JPEG or WebP image" },
        { "a data URL naming another type", "{\"message\":\"hi\",\"images\":[\"data:image/jpeg;base64,iVBORw0KGgo=\"]}", "says it is image/jpeg but its bytes are image/png" },
        { "a data URL without base64", "{\"message\":\"hi\",\"images\":[\"data:image/png,abc\"]}", "must be a base64 data URL" },
        { "an empty image", "{\"message\":\"hi\",\"images\":[\"\"]}", "\"images[0]\" is empty" },
        { "too many images", "{\"message\":\"hi\",\"images\":[\"iVBORw0KGgo=\",\"iVBORw0KGgo=\",\"iVBORw0KGgo=\",\"iVBORw0KGgo=\",\"iVBORw0KGgo=\"]}", "at most 4 per message" },
        { "an image over the size limit", "{\"message\":\"hi\",\"images\":[\"iVBORw0KGgoAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==\"]}", "\"images[0]\" is larger than" },
        { "images not a list", "{\"message\":\"hi\",\"images\":\"iVBORw0KGgo=\"}", "\"images\" must be a list of strings" },
        { "an image that is not a string", "{\"message\":\"hi\",\"images\":[7]}", "\"images[0]\" must be a string" },
        { "a message with an unpaired surrogate", "{\"message\":\"hi \\ud800\"}", "\"message\" holds text that is not valid Unicode" },
        { "message longer than the context", "{\"message\":\"" + string.Concat(Enumerable.Repeat("hello world ", 300)) + "\"}", "too long for this model" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task A_bad_request_to_chat_stream_is_a_400_with_a_clear_error_and_stores_nothing(string what, string body, string expected)
    {
        var response = await _client.PostAsync("/chat/stream", new StringContent(body, Encoding.UTF8, "application/json"));

        await AssertErrorAsync(response, HttpStatusCode.BadRequest, expected, what);
        Assert.Equal("[]", await _client.GetStringAsync("/api/conversations"));
    }

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task A_bad_request_to_chat_is_a_400_with_a_clear_error(string what, string body, string expected)
    {
        var response = await _client.PostAsync("/chat", new StringContent(body, Encoding.UTF8, "application/json"));

        await AssertErrorAsync(response, HttpStatusCode.BadRequest, expected, what);
    }

    [Fact]
    public async Task A_message_of_bytes_that_are_not_UTF8_is_named_as_such()
    {
        var body = new ByteArrayContent([.. "{\"message\":\"h"u8, 0xFF, 0xFE, .. "i\"}"u8]);
        body.Headers.ContentType = new("application/json");

        var response = await _client.PostAsync("/chat", body);

        await AssertErrorAsync(response, HttpStatusCode.BadRequest, "\"message\" holds text that is not valid Unicode", "bytes that are not UTF-8");
        Assert.Equal("[]", await _client.GetStringAsync("/api/conversations"));
    }

    [Fact]
    public async Task A_body_over_the_size_limit_is_a_413()
    {
        var body = JsonSerializer.Serialize(new { message = new string('a', 5000) });

        var response = await _client.PostAsync("/chat/stream", new StringContent(body, Encoding.UTF8, "application/json"));

        await AssertErrorAsync(response, HttpStatusCode.RequestEntityTooLarge, "larger than Edison accepts", "oversized body");
    }

    [Fact]
    public async Task A_chunked_body_over_the_size_limit_is_a_413_too()
    {
        var body = JsonSerializer.Serialize(new { message = new string('a', 5000) });
        var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(body)));
        content.Headers.ContentType = new("application/json");

        var response = await _client.PostAsync("/chat", content);

        await AssertErrorAsync(response, HttpStatusCode.RequestEntityTooLarge, "larger than Edison accepts", "chunked oversized body");
    }

    private static async Task AssertErrorAsync(HttpResponseMessage response, HttpStatusCode status, string expected, string what)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"{what}: {(int)response.StatusCode} {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var json = JsonDocument.Parse(text).RootElement;
        Assert.False(json.GetProperty("ok").GetBoolean());
        Assert.Contains(expected, json.GetProperty("error").GetString());
        Assert.DoesNotContain("   at ", text);
        Assert.DoesNotContain("System.", text);
        Assert.DoesNotContain("Edison.Core", text);
    }

    [Theory]
    [InlineData("GET", "/chat", "POST")]
    [InlineData("PUT", "/chat/stream", "POST")]
    [InlineData("DELETE", "/api/conversations", "GET")]
    public async Task A_wrong_method_is_a_405_that_names_the_right_one(string method, string path, string allowed)
    {
        var response = await _client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        await AssertErrorAsync(response, HttpStatusCode.MethodNotAllowed, $"{method} is not allowed on {path}; use {allowed}", $"{method} {path}");
    }

    [Theory]
    [InlineData("/c/not-a-conversation-id")]
    [InlineData("/settings")]
    [InlineData("/c/")]
    public async Task An_unknown_page_address_is_a_404_page_that_says_so_and_leads_back_to_the_chat(string path)
    {
        var response = await _client.GetAsync(path);
        var page = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("No page here", page);
        Assert.Contains("href=\"/\"", page);
        Assert.Contains("Back to the chat", page);
    }

    [Fact]
    public async Task An_unknown_API_address_is_a_404_with_a_JSON_error()
    {
        var response = await _client.GetAsync("/api/nothing-here");

        await AssertErrorAsync(response, HttpStatusCode.NotFound, "Edison has no endpoint at /api/nothing-here", "unknown path");
    }
}
