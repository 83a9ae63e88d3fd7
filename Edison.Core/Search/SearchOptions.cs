using System.ComponentModel.DataAnnotations;

namespace Edison.Core.Search;

/// <summary>Settings under <c>Edison:Search</c>. Web search is off until <see cref="SearxngUrl"/> is set.</summary>
public sealed class SearchOptions
{
    public const string Section = "Edison:Search";

    /// <summary>The SearXNG instance, e.g. http://localhost:8888 (its JSON format must be enabled in its settings.yml).</summary>
    public string? SearxngUrl { get; set; }

    /// <summary>How long a search may take before the answer goes on without it.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);

    [Range(1, 10)]
    public int MaxResults { get; set; } = 3;

    /// <summary>Prompt tokens the search results may take together.</summary>
    [Range(16, 1 << 16)]
    public int TokenBudget { get; set; } = 384;
}
