namespace Edison.Tests.Browser;

/// <summary>
/// The browser tests run on their own, after the others: a real browser, the app and the model competing with the
/// rest of the suite for two cores made the waits of other tests (a disconnect noticed within seconds) a matter of
/// luck.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "Browser";
}
