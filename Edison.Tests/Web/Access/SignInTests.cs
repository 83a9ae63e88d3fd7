using System.Net;
using Edison.Tests.TestSupport;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Edison.Tests.Web.Access;

/// <summary>Browsers on other machines: sign-in with a key, the cookie it gives, and who counts as "this machine".</summary>
public sealed class SignInTests
{
    private const string Key = "test-key-0123456789";
    private const string OtherKey = "another-key-9876543210";
    private const string Page = "/c/1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed";

    [Fact]
    public async Task A_remote_browser_signs_in_over_HTTPS_and_gets_a_secure_cookie_a_local_one_needs_nothing()
    {
        await using var local = new EdisonFactory(TestModels.Greeting, settings: Keys(Key));
        Assert.Equal(HttpStatusCode.OK, (await (await local.CreateReadyClientAsync()).GetAsync("/")).StatusCode);

        await using var edison = new EdisonFactory(TestModels.Greeting, settings: Keys(Key), host: RemoteClient.Apply);
        var browser = Browser(edison, handleCookies: true);
        await EdisonFactory.WaitUntilReadyAsync(browser);

        var page = await browser.GetAsync(Page);
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Equal("/signin?returnUrl=%2Fc%2F1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed", page.Headers.Location!.ToString());
        Assert.Contains("This Edison needs its API key", await browser.GetStringAsync("/signin"));

        var wrong = await browser.PostAsync("/signin", Form("not-the-key", "/"));
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Contains("That is not a valid API key for this Edison.", await wrong.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync("/")).StatusCode);

        var signedIn = await browser.PostAsync("/signin", Form(Key, Page));
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal(Page, signedIn.Headers.Location!.ToString());
        var cookie = signedIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("edison_auth=", StringComparison.Ordinal)).ToLowerInvariant();
        Assert.Contains("; secure", cookie);
        Assert.Contains("samesite=strict", cookie);
        Assert.Contains("httponly", cookie);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/")).StatusCode);

        var offsite = await browser.PostAsync("/signin", Form(Key, "//evil.example/"));
        Assert.Equal("/", offsite.Headers.Location!.ToString());
    }

    [Fact]
    public async Task Signing_in_from_another_machine_over_plain_HTTP_is_refused_with_the_reason()
    {
        await using var edison = new EdisonFactory(TestModels.Greeting, settings: Keys(Key), host: RemoteClient.Apply);
        var browser = edison.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        await EdisonFactory.WaitUntilReadyAsync(browser);

        var form = await browser.GetStringAsync("/signin");
        var refused = await browser.PostAsync("/signin", Form(Key, "/"));

        Assert.Contains("needs HTTPS", form);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("needs HTTPS", await refused.Content.ReadAsStringAsync());
        Assert.False(refused.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task Wrong_keys_at_sign_in_are_limited_per_address_and_the_right_key_still_signs_in()
    {
        var settings = Keys(Key);
        settings["Edison:Access:FailedAttemptsPerMinute"] = "2";
        await using var edison = new EdisonFactory(TestModels.Greeting, settings: settings, host: RemoteClient.Apply);
        var browser = Browser(edison, handleCookies: false);
        await EdisonFactory.WaitUntilReadyAsync(browser);

        var guesses = new[] { await browser.PostAsync("/signin", Form("guess-1", "/")), await browser.PostAsync("/signin", Form("guess-2", "/")) };
        var blocked = await browser.PostAsync("/signin", Form("guess-3", "/"));
        var owner = await browser.PostAsync("/signin", Form(Key, "/"));

        Assert.All(guesses, g => Assert.Equal(HttpStatusCode.Unauthorized, g.StatusCode));
        Assert.Equal(HttpStatusCode.TooManyRequests, blocked.StatusCode);
        Assert.Contains("Too many wrong keys", await blocked.Content.ReadAsStringAsync());
        Assert.True(blocked.Headers.Contains("Retry-After"));
        Assert.False(blocked.Headers.Contains("Set-Cookie"));
        Assert.Equal(HttpStatusCode.Redirect, owner.StatusCode);
        Assert.Contains(owner.Headers.GetValues("Set-Cookie"), c => c.StartsWith("edison_auth=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_cookie_survives_a_restart_and_stops_working_when_its_key_is_removed()
    {
        var data = Directory.CreateTempSubdirectory("edison-test-data-").FullName;
        try
        {
            string cookie;
            await using (var first = new EdisonFactory(TestModels.Greeting, dataPath: data, settings: Keys(Key, OtherKey), host: RemoteClient.Apply))
            {
                var browser = Browser(first, handleCookies: false);
                await EdisonFactory.WaitUntilReadyAsync(browser);
                var signedIn = await browser.PostAsync("/signin", Form(Key, "/"));
                cookie = signedIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("edison_auth=", StringComparison.Ordinal)).Split(';')[0];
            }

            await using (var restarted = new EdisonFactory(TestModels.Greeting, dataPath: data, settings: Keys(Key, OtherKey), host: RemoteClient.Apply))
            {
                Assert.Equal(HttpStatusCode.OK, (await GetWithCookieAsync(restarted, cookie)).StatusCode);
            }

            await using (var keyRemoved = new EdisonFactory(TestModels.Greeting, dataPath: data, settings: Keys(OtherKey), host: RemoteClient.Apply))
            {
                var page = await GetWithCookieAsync(keyRemoved, cookie);
                Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
                Assert.StartsWith("/signin", page.Headers.Location!.ToString());
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(data, recursive: true);
        }
    }

    [SkippableFact]
    public async Task Two_nodes_on_one_PostgreSQL_database_read_each_others_cookies()
    {
        Skip.If(PostgresTestDatabase.MissingReason is not null, PostgresTestDatabase.MissingReason);
        await using var database = await PostgresTestDatabase.CreateAsync();
        var settings = Keys(Key);
        settings["Edison:Database:Provider"] = "Postgres";
        settings["Edison:Database:ConnectionString"] = database.ConnectionString;
        await using var first = new EdisonFactory(TestModels.Greeting, settings: settings, host: RemoteClient.Apply);
        await using var second = new EdisonFactory(TestModels.Greeting, settings: settings, host: RemoteClient.Apply);
        var one = Browser(first, handleCookies: false);
        await EdisonFactory.WaitUntilReadyAsync(one);
        await EdisonFactory.WaitUntilReadyAsync(Browser(second, handleCookies: false));

        var signedIn = await one.PostAsync("/signin", Form(Key, "/"));
        var cookie = signedIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("edison_auth=", StringComparison.Ordinal)).Split(';')[0];

        Assert.NotEqual(first.DataPath, second.DataPath);
        Assert.Equal(HttpStatusCode.OK, (await GetWithCookieAsync(second, cookie)).StatusCode);
    }

    [Fact]
    public async Task Forwarded_headers_from_an_unknown_sender_do_not_make_a_request_local()
    {
        var settings = Keys(Key);
        settings["FORWARDEDHEADERS_ENABLED"] = "true";
        await using var edison = new EdisonFactory(TestModels.Greeting, settings: settings, host: RemoteClient.Apply);
        var browser = Browser(edison, handleCookies: false);
        await EdisonFactory.WaitUntilReadyAsync(browser);

        var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Add("X-Forwarded-For", "127.0.0.1");
        var page = await browser.SendAsync(request);

        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.StartsWith("/signin", page.Headers.Location!.ToString());
    }

    [Fact]
    public async Task Behind_a_known_proxy_on_this_machine_a_visitor_is_who_the_proxy_says()
    {
        var settings = Keys(Key);
        settings["Edison:Access:KnownProxies:0"] = "127.0.0.1";
        await using var edison = new EdisonFactory(TestModels.Greeting, settings: settings, host: host => RemoteClient.Apply(host, IPAddress.Loopback));
        var client = edison.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        await EdisonFactory.WaitUntilReadyAsync(client);

        var visitor = new HttpRequestMessage(HttpMethod.Get, "/");
        visitor.Headers.Add("X-Forwarded-For", "127.0.0.1, 203.0.113.50");
        var fromVisitor = await client.SendAsync(visitor);
        var fromThisMachine = await client.GetAsync("/");

        Assert.Equal(HttpStatusCode.Redirect, fromVisitor.StatusCode);
        Assert.Equal(HttpStatusCode.OK, fromThisMachine.StatusCode);
    }

    [Fact]
    public async Task A_known_proxy_that_is_not_an_address_stops_Edison_naming_the_setting()
    {
        var data = Directory.CreateTempSubdirectory("edison-test-data-");
        try
        {
            var (exit, output) = await EdisonProcess.RunAsync(
                ["--urls", "http://127.0.0.1:0"],
                new Dictionary<string, string>
                {
                    ["Edison__Model__Path"] = TestModels.Greeting,
                    ["Edison__DataPath"] = data.FullName,
                    ["Edison__Access__KnownProxies__0"] = "my-proxy.lan",
                });

            Assert.NotEqual(0, exit);
            Assert.Contains("Edison:Access:KnownProxies", output);
        }
        finally
        {
            data.Delete(recursive: true);
        }
    }

    private static Dictionary<string, string?> Keys(params string[] keys) =>
        keys.Select((key, i) => (key, i)).ToDictionary(k => $"Edison:ApiKeys:{k.i}", k => (string?)k.key);

    private static HttpClient Browser(EdisonFactory edison, bool handleCookies) =>
        edison.CreateClient(new WebApplicationFactoryClientOptions
        {
            BaseAddress = new Uri("https://localhost"),
            AllowAutoRedirect = false,
            HandleCookies = handleCookies,
        });

    private static Task<HttpResponseMessage> GetWithCookieAsync(EdisonFactory edison, string cookie)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Add("Cookie", cookie);
        return Browser(edison, handleCookies: false).SendAsync(request);
    }

    private static FormUrlEncodedContent Form(string key, string returnUrl) =>
        new(new Dictionary<string, string> { ["key"] = key, ["returnUrl"] = returnUrl });
}
