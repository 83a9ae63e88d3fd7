using System.Net;
using Edison.Core.Tools;
using Edison.Tests.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Edison.Tests.Core.Tools;

/// <summary>
/// fetch_url reaches only the public internet: this machine, its networks and a cloud's metadata service are refused,
/// whether named at once, by a redirect or by a host name that resolves there, unless the settings name the host.
/// </summary>
public sealed class UrlFetcherTests : IAsyncLifetime
{
    private WebApplication _site = null!;
    private string _url = null!;

    public async Task InitializeAsync() =>
        (_site, _url) = await LoopbackServer.StartAsync(app =>
        {
            app.MapGet("/page", () => Results.Content(
                "<html><head><title>A page</title><style>p{}</style></head><body><script>alert(1)</script><h1>Hi</h1><p>Hello   <b>world</b></p></body></html>", "text/html"));
            app.MapGet("/to-metadata", () => Results.Redirect("http://169.254.169.254/latest/meta-data/"));
            app.MapGet("/to-loopback", (HttpContext context) => Results.Redirect($"http://127.0.0.1:{context.Connection.LocalPort}/page"));
            app.MapGet("/huge", () => Results.Text(new string('x', 5_000)));
            app.MapGet("/slow", async (CancellationToken cancellationToken) =>
            {
                await Task.Delay(TimeSpan.FromSeconds(30), cancellationToken);
                return Results.Text("late");
            });
            app.MapGet("/image", () => Results.Bytes([0x89, 0x50, 0x4E, 0x47], "image/png"));
        });

    public async Task DisposeAsync()
    {
        await _site.StopAsync();
        await _site.DisposeAsync();
    }

    [Theory]
    [InlineData("http://127.0.0.1:9/")]
    [InlineData("http://10.1.2.3/")]
    [InlineData("http://192.168.1.1/")]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://[::1]:9/")]
    [InlineData("http://[::ffff:127.0.0.1]:9/")]
    [InlineData("http://localhost:9/")]
    [InlineData("http://0.0.0.0:9/")]
    [InlineData("http://[::127.0.0.1]:9/")]
    public async Task A_private_address_is_refused_before_anything_is_sent(string url)
    {
        var error = await Assert.ThrowsAsync<ToolFailedException>(() => Fetcher().FetchAsync(url, CancellationToken.None));

        Assert.Contains("loopback, private or link-local", error.Message);
    }

    [Fact]
    public async Task A_redirect_to_a_private_address_is_refused_even_from_an_allowed_host()
    {
        var fetcher = Fetcher(allowed: "localhost");
        var port = new Uri(_url).Port;

        var toMetadata = await Assert.ThrowsAsync<ToolFailedException>(() => fetcher.FetchAsync($"http://localhost:{port}/to-metadata", CancellationToken.None));
        var toLoopback = await Assert.ThrowsAsync<ToolFailedException>(() => fetcher.FetchAsync($"http://localhost:{port}/to-loopback", CancellationToken.None));

        Assert.Contains("169.254.169.254", toMetadata.Message);
        Assert.Contains("127.0.0.1", toLoopback.Message);
    }

    [Fact]
    public async Task An_allowed_host_s_page_is_read_as_its_title_and_visible_text()
    {
        var text = await Fetcher(allowed: "localhost").FetchAsync($"http://localhost:{new Uri(_url).Port}/page", CancellationToken.None);

        Assert.Equal("A page\n\nHi Hello world", text);
    }

    [Theory]
    [InlineData("/huge", "at most 1024")]
    [InlineData("/slow", "did not answer within 3 s")]
    [InlineData("/image", "image/png")]
    [InlineData("/missing", "404")]
    public async Task A_page_too_big_too_slow_or_not_text_is_refused_saying_why(string path, string reason)
    {
        var error = await Assert.ThrowsAsync<ToolFailedException>(() =>
            Fetcher(allowed: "localhost").FetchAsync($"http://localhost:{new Uri(_url).Port}{path}", CancellationToken.None));

        Assert.Contains(reason, error.Message);
    }

    [Theory]
    [InlineData("file:///etc/passwd")]
    [InlineData("ftp://example.com/")]
    [InlineData("not a url")]
    public async Task Only_http_and_https_are_fetched(string url) =>
        Assert.Contains("not an http or https URL", (await Assert.ThrowsAsync<ToolFailedException>(() => Fetcher().FetchAsync(url, CancellationToken.None))).Message);

    private static UrlFetcher Fetcher(string? allowed = null)
    {
        var options = Options.Create(new ToolOptions
        {
            Fetch = new FetchOptions { MaxBytes = 1024, Timeout = TimeSpan.FromSeconds(3), AllowedPrivateHosts = allowed is null ? [] : [allowed] },
        });
        return new UrlFetcher(new HttpClient(UrlFetcher.CreateHandler(options)), options);
    }
}
