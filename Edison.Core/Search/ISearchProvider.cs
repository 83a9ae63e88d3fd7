namespace Edison.Core.Search;

/// <summary>A web search engine Edison can ask.</summary>
public interface ISearchProvider
{
    /// <summary>False when no engine is configured: Edison then answers without searching.</summary>
    bool IsConfigured { get; }

    Task<IReadOnlyList<SearchResult>> SearchAsync(string query, int limit, CancellationToken cancellationToken);
}
