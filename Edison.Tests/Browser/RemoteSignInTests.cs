using Edison.Tests.TestSupport;
using Microsoft.Playwright;

namespace Edison.Tests.Browser;

/// <summary>
/// A browser on another machine, behind the TLS proxy the README asks for: it signs in with the key through the real
/// form, as Chromium submits it under Edison's own headers, and reaches the page.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class RemoteSignInTests(BrowserFixture fixture)
{
    private const string Key = "remote-key-0123456789";

    [SkippableFact]
    public async Task A_browser_behind_a_TLS_proxy_signs_in_with_the_form_and_reaches_the_chat()
    {
        Skip.If(BrowserFixture.MissingBrowserReason is not null, BrowserFixture.MissingBrowserReason);
        await using var edison = new EdisonFactory(TestModels.Greeting, settings: new Dictionary<string, string?>
        {
            ["Edison:ApiKeys:0"] = Key,
            ["Edison:Access:KnownProxies:0"] = "127.0.0.1",
        });
        var address = (await edison.StartOnSocketAsync()).BaseAddress!.ToString().TrimEnd('/');

        // The proxy says who the visitor is and that it spoke HTTPS to them; Chromium sends the rest as it would.
        await using var context = await fixture.Browser!.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = address,
            ExtraHTTPHeaders = new Dictionary<string, string> { ["X-Forwarded-For"] = "203.0.113.9", ["X-Forwarded-Proto"] = "https" },
        });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(15_000);

        await page.GotoAsync("/");
        await Assertions.Expect(page.GetByTestId("signin-key")).ToBeVisibleAsync();
        await page.GetByTestId("signin-key").FillAsync(Key);
        await page.GetByTestId("signin-key").PressAsync("Enter");

        await Assertions.Expect(page.GetByTestId("chat-input")).ToBeEnabledAsync();
        Assert.Equal(address + "/", page.Url);
    }
}
