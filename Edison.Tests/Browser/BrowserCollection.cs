namespace Edison.Tests.Browser;

/// <summary>
/// The browser tests share one Chromium and one Edison, test after test, beside the rest of the suite (started first:
/// see <see cref="TestSupport.BrowserTestsFirst"/>).
/// </summary>
[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "Browser";
}
