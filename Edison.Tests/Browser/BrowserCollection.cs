namespace Edison.Tests.Browser;

/// <summary>
/// The browser tests share one Chromium and one Edison, one test at a time; beside the rest of the suite, not after it:
/// most of their time is waiting on the page, and run on their own after it they made the suite too long. Their waits
/// allow for a busy machine.
/// </summary>
[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "Browser";
}
