using Edison.Tests.TestSupport;
using Microsoft.Playwright;

namespace Edison.Tests.Browser;

/// <summary>
/// Real headless Chromium driven by Playwright against the real Edison on Kestrel, on a generated model that writes
/// until its token limit. The tests run in Chromium's headless shell (Debian's <c>chromium-headless-shell</c>, the same
/// Blink as the browser, as Playwright itself runs headless): the whole browser in headless mode costs the two cores
/// more than twice the CPU for the same pages. What only the whole browser does (its client hints) is tested in
/// <see cref="ChromiumPath"/>. Without either the tests report skipped with the reason.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string HeadlessShellPath = "/usr/bin/chromium-headless-shell";

    public const string ChromiumPath = "/usr/bin/chromium";

    public EdisonFactory Edison { get; } = new(TestModels.Endless, contextSize: 32768);

    /// <summary>The driver, for a test that needs a Chromium launched its own way.</summary>
    public IPlaywright? Playwright { get; private set; }

    public IBrowser? Browser { get; private set; }

    public string BaseAddress { get; private set; } = string.Empty;

    public static string? MissingBrowserReason =>
        RequiredInCi.Missing(
            File.Exists(HeadlessShellPath) && File.Exists(ChromiumPath),
            $"no browser at {HeadlessShellPath} or {ChromiumPath}: install Debian's chromium-headless-shell and chromium (.ci/run does) to run the browser tests");

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
            ExecutablePath = HeadlessShellPath,
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
