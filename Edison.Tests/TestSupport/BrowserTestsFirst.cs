using Xunit.Abstractions;
using Xunit.Sdk;

[assembly: TestCollectionOrderer("Edison.Tests.TestSupport.BrowserTestsFirst", "Edison.Tests")]

namespace Edison.Tests.TestSupport;

/// <summary>
/// Starts the browser tests first: their collections, run test by test, take longer than any other. Started last, they
/// would run on alone after the rest of the suite had ended; started first, the other collections run beside them.
/// </summary>
public sealed class BrowserTestsFirst : ITestCollectionOrderer
{
    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections) =>
        testCollections.OrderBy(collection => collection.DisplayName.Contains(Browser.BrowserCollection.Name, StringComparison.Ordinal) ? 0 : 1);
}
