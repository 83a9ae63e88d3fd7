using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Edison.Tests.TestSupport;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using OpenAI;
using OpenAI.Chat;

namespace Edison.Tests.Web.Access;

/// <summary>API keys, the sign-in page, the rate limit and CORS, as clients meet them.</summary>
public sealed class AccessTests(AccessTests.Keyed keyed) : IClassFixture<AccessTests.Keyed>
{
    private const string Key = "test-key-0123456789";

    /// <summary>Edison with API keys and a browser origin allowed, for the tests that leave nothing behind: no limit on wrong keys.</summary>
    public sealed class Keyed() : SharedEdison(new EdisonFactory(TestModels.Greeting, settings: new Dictionary<string, string?>
    {
        ["Edison:ApiKeys:0"] = Key,
        ["Edison:ApiKeys:1"] = "another-key",
        ["Edison:Access:FailedAttemptsPerMinute"] = "0",
        ["Edison:Cors:Origins:0"] = "https://app.example",
    }));

    [Fact]
    public async Task With_keys_set_every_API_needs_the_key_and_health_stays_open()
    {
        var client = keyed.Client;

        foreach (var (method, path) in new[] { ("POST", "/chat"), ("POST", "/chat/stream"), ("GET", "/api/conversations"), ("GET", "/v1/models") })
        {
            foreach (var key in new[] { null, "wrong-key", Key[..^1] })
            {
                var response = await SendAsync(client, method, path, key);
                Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
                Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
                var body = await response.Content.ReadFromJsonAsync<JsonElement>();
                var message = path.StartsWith("/v1", StringComparison.Ordinal)
                    ? body.GetProperty("error").GetProperty("message").GetString()
                    : body.GetProperty("error").GetString();
                Assert.Contains("API key", message);
            }

            Assert.True((await SendAsync(client, method, path, Key)).IsSuccessStatusCode, $"{method} {path} with the key");
        }

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/metrics")).StatusCode);
    }

    [Fact]
    public async Task The_OpenAI_SDK_works_with_the_key_and_is_refused_without()
    {
        var http = keyed.Client;
        ChatClient Chat(string key) => new("edison", new ApiKeyCredential(key),
            new OpenAIClientOptions { Endpoint = new Uri(http.BaseAddress!, "/v1"), Transport = new HttpClientPipelineTransport(http) });

        ChatCompletion completion = await Chat(Key).CompleteChatAsync([new UserChatMessage("hi")]);
        var refused = await Assert.ThrowsAsync<ClientResultException>(() => Chat("nope").CompleteChatAsync([new UserChatMessage("hi")]));

        Assert.Equal("Hello, world! 🦙", completion.Content[0].Text);
        Assert.Equal(401, refused.Status);
    }

    [Fact]
    public async Task Listening_beyond_loopback_without_keys_generates_one_and_requires_it()
    {
        await using var edison = new EdisonFactory(TestModels.Greeting);
        edison.UseKestrel(kestrel => kestrel.Listen(IPAddress.Any, 0));
        edison.StartServer();
        var listening = new Uri(edison.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{listening.Port}") };
        await EdisonFactory.WaitUntilReadyAsync(client);
        var keyFile = Path.Combine(edison.DataPath, "api-key");

        Assert.True(File.Exists(keyFile));
        var key = (await File.ReadAllTextAsync(keyFile)).Trim();
        Assert.StartsWith("edison-", key);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(client, "POST", "/chat", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(client, "POST", "/chat", key)).StatusCode);
    }

    [Fact]
    public async Task Only_loopback_and_no_keys_means_open_access()
    {
        await using var edison = new EdisonFactory(TestModels.Greeting);
        var client = await edison.StartOnSocketAsync();

        Assert.Equal(HttpStatusCode.OK, (await SendAsync(client, "POST", "/chat", null)).StatusCode);
        Assert.False(File.Exists(Path.Combine(edison.DataPath, "api-key")));
    }

    [Fact]
    public async Task Past_the_rate_limit_a_client_gets_429_with_Retry_After()
    {
        await using var edison = new EdisonFactory(TestModels.Greeting, settings: new Dictionary<string, string?>
        {
            ["Edison:RateLimit:PermitsPerMinute"] = "2",
        });
        var client = await edison.CreateReadyClientAsync();

        Assert.Equal(HttpStatusCode.OK, (await SendAsync(client, "POST", "/chat", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(client, "POST", "/chat/stream", null)).StatusCode);
        var limited = await SendAsync(client, "POST", "/chat", null);
        var openAi = await SendAsync(client, "POST", "/v1/chat/completions", null);

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.InRange(int.Parse(limited.Headers.GetValues("Retry-After").Single()), 1, 60);
        Assert.Contains("Too many requests", (await limited.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.TooManyRequests, openAi.StatusCode);
        Assert.Equal("rate_limit_exceeded", (await openAi.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("type").GetString());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/conversations")).StatusCode);
    }

    [Fact]
    public async Task Browser_clients_from_a_configured_origin_may_call_the_stream_and_others_may_not()
    {
        var client = keyed.Client;

        var allowed = await PreflightAsync(client, "https://app.example");
        var other = await PreflightAsync(client, "https://evil.example");

        Assert.Equal("https://app.example", allowed.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("authorization", allowed.Headers.GetValues("Access-Control-Allow-Headers").Single(), StringComparison.OrdinalIgnoreCase);
        Assert.False(other.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Only_wrong_keys_count_toward_429_and_the_right_key_is_never_locked_out()
    {
        var settings = Keys();
        settings["Edison:Access:FailedAttemptsPerMinute"] = "3";
        await using var edison = new EdisonFactory(TestModels.Greeting, settings: settings);
        var client = await edison.CreateReadyClientAsync();

        var withoutKey = new List<HttpStatusCode>();
        for (int i = 0; i < 11; i++)
        {
            withoutKey.Add((await SendAsync(client, "GET", "/api/conversations", key: null)).StatusCode);
        }

        var ownerAfterAnonymous = await SendAsync(client, "GET", "/api/conversations", Key);
        var guesses = new List<HttpStatusCode>();
        for (int i = 0; i < 4; i++)
        {
            guesses.Add((await SendAsync(client, "GET", "/api/conversations", $"guess-{i}")).StatusCode);
        }

        var blocked = await SendAsync(client, "GET", "/api/conversations", "guess-4");
        var openAi = await SendAsync(client, "GET", "/v1/models", "guess-5");
        var ownerAfterGuesses = await SendAsync(client, "GET", "/api/conversations", Key);

        Assert.All(withoutKey, status => Assert.Equal(HttpStatusCode.Unauthorized, status));
        Assert.Equal(HttpStatusCode.OK, ownerAfterAnonymous.StatusCode);
        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests], guesses);
        Assert.Equal(HttpStatusCode.TooManyRequests, blocked.StatusCode);
        Assert.InRange(int.Parse(blocked.Headers.GetValues("Retry-After").Single()), 1, 60);
        Assert.Contains("Too many wrong API keys", (await blocked.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
        Assert.Equal("rate_limit_exceeded", (await openAi.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("type").GetString());
        Assert.Equal(HttpStatusCode.OK, ownerAfterGuesses.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);
    }

    [Fact]
    public async Task A_client_with_its_answers_running_gets_429_for_one_more_and_others_are_served()
    {
        var settings = Keys();
        settings["Edison:RateLimit:ConcurrentPerClient"] = "2";
        await using var edison = new EdisonFactory(TestModels.Endless, contextSize: 32768, settings: settings);
        var client = await edison.CreateReadyClientAsync();
        using var stop = new CancellationTokenSource();

        var running = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => StreamAsync(client, Key, stop.Token)));
        var third = await SendAsync(client, "POST", "/chat", Key);
        var otherKey = await StreamAsync(client, "another-key", stop.Token);

        Assert.All(running, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.Contains("already has 2 answers running", (await third.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.OK, otherKey.StatusCode);
        await stop.CancelAsync();
        foreach (var response in running.Append(otherKey))
        {
            response.Dispose();
        }

        await Eventually.WaitUntilAsync(async () => (await SendAsync(client, "POST", "/chat", Key, maxTokens: 3)).StatusCode == HttpStatusCode.OK);
    }

    private static async Task<HttpResponseMessage> StreamAsync(HttpClient client, string key, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/chat/stream") { Content = Sse.Json(new { message = "go", remember = false }) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
    }

    private static Dictionary<string, string?> Keys() => new() { ["Edison:ApiKeys:0"] = Key, ["Edison:ApiKeys:1"] = "another-key" };

    private static Task<HttpResponseMessage> PreflightAsync(HttpClient client, string origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, "/chat/stream");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "authorization,content-type");
        return client.SendAsync(request);
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, string method, string path, string? key, int? maxTokens = null)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "POST")
        {
            request.Content = path.StartsWith("/v1", StringComparison.Ordinal)
                ? Sse.Json(new { messages = new[] { new { role = "user", content = "hi" } }, max_tokens = maxTokens })
                : Sse.Json(new { message = "hi", remember = false, max_tokens = maxTokens });
        }

        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return client.SendAsync(request);
    }
}
