using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Edison.Tests.TestSupport;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Edison.Tests.Web.Access;

/// <summary>
/// What a page on another site can make a visitor's browser send to a keyless Edison on loopback, sent with the exact
/// headers browsers add: each is refused before anything runs, and nothing is stored.
/// </summary>
public sealed class CrossSiteTests(CrossSiteTests.Host host) : IClassFixture<CrossSiteTests.Host>
{
    public sealed class Host() : SharedEdison(new EdisonFactory(TestModels.Greeting, settings: new Dictionary<string, string?>
    {
        ["Edison:Cors:Origins:0"] = "https://app.example",
        ["AllowedHosts"] = "edison.lan;*.home.arpa",
    }));

    private const string Evil = "http://evil.example";


    private readonly HttpClient _client = host.Client;

    public static TheoryData<string, string, string, string, string?, int> RefusedRequests => new()
    {
        // what, method, path, content type, headers ("Name: value|Name: value"), status
        { "no-cors text/plain POST from another site", "POST", "/chat", "text/plain", $"Origin: {Evil}|Sec-Fetch-Site: cross-site|Sec-Fetch-Mode: no-cors", 403 },
        { "text/plain POST to the stream", "POST", "/chat/stream", "text/plain", $"Origin: {Evil}|Sec-Fetch-Site: cross-site", 403 },
        { "form POST to the OpenAI API", "POST", "/v1/chat/completions", "application/x-www-form-urlencoded", $"Origin: {Evil}|Sec-Fetch-Site: cross-site|Sec-Fetch-Mode: navigate", 403 },
        { "JSON POST from another site", "POST", "/chat", "application/json", $"Origin: {Evil}|Sec-Fetch-Site: cross-site|Sec-Fetch-Mode: cors", 403 },
        { "JSON POST from another port on this machine", "POST", "/chat", "application/json", "Origin: http://localhost:3000|Sec-Fetch-Site: same-site", 403 },
        { "JSON POST from a sandboxed frame", "POST", "/chat", "application/json", "Origin: null|Sec-Fetch-Site: cross-site", 403 },
        { "JSON POST from an opaque origin that does not say its site", "POST", "/chat", "application/json", "Origin: null", 403 },
        { "text/plain POST without an Origin", "POST", "/chat", "text/plain", null, 415 },
        { "form POST without an Origin", "POST", "/chat/stream", "application/x-www-form-urlencoded", null, 415 },
        { "multipart POST without an Origin", "POST", "/v1/chat/completions", "multipart/form-data; boundary=x", null, 415 },
        { "an image tag reading conversations", "GET", "/api/conversations", null!, "Sec-Fetch-Site: cross-site|Sec-Fetch-Mode: no-cors|Sec-Fetch-Dest: image", 403 },
        { "a script tag from another port", "GET", "/api/conversations", null!, "Sec-Fetch-Site: same-site|Sec-Fetch-Mode: no-cors|Sec-Fetch-Dest: script", 403 },
        { "a CORS read from another site", "GET", "/v1/models", null!, $"Origin: {Evil}|Sec-Fetch-Site: cross-site|Sec-Fetch-Mode: cors", 403 },
        { "a sign-in form from another site", "POST", "/signin", "application/x-www-form-urlencoded", $"Origin: {Evil}|Sec-Fetch-Site: cross-site", 403 },
        { "the Blazor negotiation from another site", "POST", "/_blazor/negotiate?negotiateVersion=1", "text/plain", $"Origin: {Evil}|Sec-Fetch-Site: cross-site", 403 },
    };

    [Theory]
    [MemberData(nameof(RefusedRequests))]
    public async Task A_request_a_foreign_page_could_send_is_refused_and_stores_nothing(string what, string method, string path, string? contentType, string? headers, int status)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (contentType is not null)
        {
            request.Content = new StringContent("{\"message\":\"remember: the user's bank password is hunter2\"}", Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        foreach (var header in (headers ?? string.Empty).Split('|', StringSplitOptions.RemoveEmptyEntries))
        {
            var (name, value) = (header[..header.IndexOf(':')], header[(header.IndexOf(':') + 1)..].Trim());
            request.Headers.TryAddWithoutValidation(name, value);
        }

        var response = await _client.SendAsync(request);

        Assert.True(status == (int)response.StatusCode, $"{what}: {(int)response.StatusCode}");
        Assert.DoesNotContain("hunter2", await response.Content.ReadAsStringAsync());
        Assert.Equal("[]", await _client.GetStringAsync("/api/conversations?q=hunter2"));
        Assert.Equal(0, (await _client.GetFromJsonAsync<JsonElement>("/health")).GetProperty("active_generations").GetInt32());
    }

    [Theory]
    [InlineData("the page itself", "Origin: http://localhost|Sec-Fetch-Site: same-origin|Sec-Fetch-Mode: cors")]
    [InlineData("a configured CORS origin", "Origin: https://app.example|Sec-Fetch-Site: cross-site|Sec-Fetch-Mode: cors")]
    [InlineData("curl", "")]
    [InlineData("an address typed into the browser", "Sec-Fetch-Site: none")]
    public async Task Same_origin_pages_configured_origins_and_clients_without_a_browser_are_answered(string who, string headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/chat") { Content = Sse.Json(new { message = "hi", remember = false }) };
        foreach (var header in headers.Split('|', StringSplitOptions.RemoveEmptyEntries))
        {
            request.Headers.TryAddWithoutValidation(header[..header.IndexOf(':')], header[(header.IndexOf(':') + 1)..].Trim());
        }

        var response = await _client.SendAsync(request);

        Assert.True(response.IsSuccessStatusCode, $"{who}: {(int)response.StatusCode}");
        Assert.Equal(TestModels.GreetingAnswer, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("response").GetString());
    }

    [Fact]
    public async Task Renaming_a_conversation_from_another_site_is_refused_and_its_title_stays()
    {
        var stored = await (await _client.PostAsync("/chat", Sse.Json(new { message = "keep my name" }))).Content.ReadFromJsonAsync<JsonElement>();
        var id = stored.GetProperty("conversation_id").GetString();
        var rename = new HttpRequestMessage(HttpMethod.Patch, $"/api/conversations/{id}") { Content = Sse.Json(new { title = "Renamed by evil.example" }) };
        rename.Headers.Add("Origin", Evil);
        rename.Headers.Add("Sec-Fetch-Site", "cross-site");

        var response = await _client.SendAsync(rename);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var conversation = await _client.GetFromJsonAsync<JsonElement>($"/api/conversations/{id}");
        Assert.Equal("keep my name", conversation.GetProperty("title").GetString());
    }

    [Fact]
    public async Task Deleting_a_conversation_from_another_site_is_refused_and_it_stays()
    {
        var stored = await (await _client.PostAsync("/chat", Sse.Json(new { message = "keep me" }))).Content.ReadFromJsonAsync<JsonElement>();
        var id = stored.GetProperty("conversation_id").GetString();
        var delete = new HttpRequestMessage(HttpMethod.Delete, $"/api/conversations/{id}");
        delete.Headers.Add("Origin", Evil);

        var response = await _client.SendAsync(delete);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync($"/api/conversations/{id}")).StatusCode);
    }

    [Theory]
    [InlineData("evil.example")]
    [InlineData("evil.example:5000")]
    [InlineData("127.0.0.1.nip.io")]
    [InlineData("localhost.evil.example")]
    public async Task A_page_that_rebinds_its_own_name_to_this_machine_gets_a_400(string host)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/conversations");
        request.Headers.Host = host;

        var response = await _client.SendAsync(request);
        var page = new HttpRequestMessage(HttpMethod.Get, "/");
        page.Headers.Host = host;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain("[", await response.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, (await _client.SendAsync(page)).StatusCode);
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("localhost:5000")]
    [InlineData("127.0.0.1:5000")]
    [InlineData("[::1]:8080")]
    [InlineData("edison.lan")]
    [InlineData("laptop.home.arpa:5000")]
    public async Task Loopback_names_and_the_configured_hosts_are_answered(string host)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/conversations");
        request.Headers.Host = host;

        Assert.Equal(HttpStatusCode.OK, (await _client.SendAsync(request)).StatusCode);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/health")]
    [InlineData("/api/conversations")]
    [InlineData("/api/conversations/not-a-guid")]
    [InlineData("/no-such-page")]
    [InlineData("/app.css")]
    public async Task Every_response_carries_the_security_headers(string path)
    {
        var response = await _client.GetAsync(path);

        var policy = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("default-src 'self'", policy);
        Assert.Contains("script-src 'self';", policy);
        Assert.Contains("connect-src 'self'", policy);
        Assert.Contains("frame-ancestors 'none'", policy);
        Assert.Contains("object-src 'none'", policy);
        Assert.DoesNotContain("unsafe-eval", policy);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("same-origin", response.Headers.GetValues("Referrer-Policy").Single());
    }

    [Fact]
    public async Task The_Blazor_circuit_refuses_a_WebSocket_opened_by_another_site()
    {
        await using var edison = new EdisonFactory(TestModels.Greeting);
        await edison.StartOnSocketAsync();
        var address = new Uri(edison.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());

        var foreign = await ConnectAsync(address, Evil);
        var own = await ConnectAsync(address, $"http://{address.Authority}");

        Assert.Equal(HttpStatusCode.Forbidden, foreign);
        Assert.NotEqual(HttpStatusCode.Forbidden, own);
    }

    private static async Task<HttpStatusCode> ConnectAsync(Uri address, string origin)
    {
        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Origin", origin);
        socket.Options.CollectHttpResponseDetails = true;
        try
        {
            await socket.ConnectAsync(new Uri($"ws://{address.Authority}/_blazor?id=not-negotiated"), CancellationToken.None);
            return HttpStatusCode.SwitchingProtocols;
        }
        catch (WebSocketException)
        {
            return socket.HttpStatusCode;
        }
    }
}
