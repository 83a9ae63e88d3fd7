using Edison.Tests.TestSupport;
using Microsoft.Playwright;

namespace Edison.Tests.Browser;

/// <summary>
/// Real headless Chromium (Debian's, at /usr/bin/chromium) driven by Playwright against the real Edison on Kestrel,
/// on a generated model that writes until its token limit. Without a browser the tests report skipped with the reason.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";


    public EdisonFactory Edison { get; } = new(TestModels.Endless, contextSize: 32768);

    /// <summary>The driver, for a test that needs a Chromium launched its own way.</summary>
    public IPlaywright? Playwright { get; private set; }

    public IBrowser? Browser { get; private set; }

    public string BaseAddress { get; private set; } = string.Empty;

    public static string? MissingBrowserReason =>
        RequiredInCi.Missing(File.Exists(ChromiumPath), $"no browser at {ChromiumPath}: install Debian's chromium (.ci/run does) to run the browser tests");

    public async Task InitializeAsync()
    {
        if (MissingBrowserReason is not null)
        {
            return;
        }

        // Two cores share the browser, Edison and the model: give each expectation room to come true.
        Assertions.SetDefaultExpectTimeout(10_000);
        BaseAddress = (await Edison.StartOnSocketAsync()).BaseAddress!.ToString().TrimEnd('/');
        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Browser = await Playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        Playwright?.Dispose();
        await Edison.DisposeAsync();
    }
}
