namespace Edison.Core.Search;

public sealed record SearchResult(string Title, string Url, string Snippet);
