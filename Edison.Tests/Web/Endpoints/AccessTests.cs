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

namespace Edison.Tests.Web.Endpoints;

/// <summary>API keys, the sign-in page, the rate limit and CORS, as clients meet them.</summary>
public sealed class AccessTests
{
    private const string Key = "test-key-0123456789";

    [Fact]
    public async Task With_keys_set_every_API_needs_the_key_and_health_stays_open()
    {
        await using var edison = new EdisonFactory(TestModels.Greeting, settings: Keys());
        var client = await edison.CreateReadyClientAsync();

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
        await using var edison = new EdisonFactory(TestModels.Greeting, settings: Keys());
        var http = await edison.CreateReadyClientAsync();
        ChatClient Chat(string key) => new("edison", new ApiKeyCredential(key),
            new OpenAIClientOptions { Endpoint = new Uri(http.BaseAddress!, "/v1"), Transport = new HttpClientPipelineTransport(http) });

        ChatCompletion completion = await Chat(Key).CompleteChatAsync([new UserChatMessage("hi")]);
        var refused = await Assert.ThrowsAsync<ClientResultException>(() => Chat("nope").CompleteChatAsync([new UserChatMessage("hi")]));

        Assert.Equal("Hello, world! 🦙", completion.Content[0].Text);
        Assert.Equal(401, refused.Status);
    }

    [Fact]
    public async Task A_remote_browser_signs_in_with_the_key_and_a_local_one_needs_nothing()
    {
        await using var local = new EdisonFactory(TestModels.Greeting, settings: Keys());
        Assert.Equal(HttpStatusCode.OK, (await (await local.CreateReadyClientAsync()).GetAsync("/")).StatusCode);

        await using var edison = new EdisonFactory(TestModels.Greeting, settings: Keys(), host: RemoteClient.Apply);
        var browser = edison.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = true });
        await EdisonFactory.WaitUntilReadyAsync(browser);

        var page = await browser.GetAsync("/c/1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Equal("/signin?returnUrl=%2Fc%2F1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed", page.Headers.Location!.ToString());
        Assert.Contains("This Edison needs its API key", await browser.GetStringAsync("/signin"));

        var wrong = await browser.PostAsync("/signin", Form("not-the-key", "/"));
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Contains("That is not a valid API key for this Edison.", await wrong.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync("/")).StatusCode);

        var signedIn = await browser.PostAsync("/signin", Form(Key, "/c/1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed"));
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal("/c/1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed", signedIn.Headers.Location!.ToString());
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/")).StatusCode);

        var offsite = await browser.PostAsync("/signin", Form(Key, "//evil.example/"));
        Assert.Equal("/", offsite.Headers.Location!.ToString());
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
        edison.UseKestrel(0);
        edison.StartServer();
        var client = await edison.CreateReadyClientAsync();

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
        await using var edison = new EdisonFactory(TestModels.Greeting, settings: new Dictionary<string, string?>
        {
            ["Edison:Cors:Origins:0"] = "https://app.example",
            ["Edison:ApiKeys:0"] = Key,
        });
        var client = await edison.CreateReadyClientAsync();

        var allowed = await PreflightAsync(client, "https://app.example");
        var other = await PreflightAsync(client, "https://evil.example");

        Assert.Equal("https://app.example", allowed.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("authorization", allowed.Headers.GetValues("Access-Control-Allow-Headers").Single(), StringComparison.OrdinalIgnoreCase);
        Assert.False(other.Headers.Contains("Access-Control-Allow-Origin"));
    }

    private static Dictionary<string, string?> Keys() => new() { ["Edison:ApiKeys:0"] = Key, ["Edison:ApiKeys:1"] = "another-key" };

    private static FormUrlEncodedContent Form(string key, string returnUrl) =>
        new(new Dictionary<string, string> { ["key"] = key, ["returnUrl"] = returnUrl });

    private static Task<HttpResponseMessage> PreflightAsync(HttpClient client, string origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, "/chat/stream");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "authorization,content-type");
        return client.SendAsync(request);
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, string method, string path, string? key)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "POST")
        {
            request.Content = path.StartsWith("/v1", StringComparison.Ordinal)
                ? Sse.Json(new { messages = new[] { new { role = "user", content = "hi" } } })
                : Sse.Json(new { message = "hi", remember = false });
        }

        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return client.SendAsync(request);
    }
}
