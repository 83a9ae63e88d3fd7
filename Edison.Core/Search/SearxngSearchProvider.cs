using System.Net.Http.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;

namespace Edison.Core.Search;

/// <summary>SearXNG's JSON API: <c>GET {SearxngUrl}/search?q=...&amp;format=json</c>.</summary>
public sealed class SearxngSearchProvider(HttpClient http, IOptions<SearchOptions> options) : ISearchProvider
{
    public bool IsConfigured => !string.IsNullOrWhiteSpace(options.Value.SearxngUrl);

    public async Task<IReadOnlyList<SearchResult>> SearchAsync(string query, int limit, CancellationToken cancellationToken)
    {
        var baseUrl = options.Value.SearxngUrl?.TrimEnd('/') ?? throw new InvalidOperationException("No SearXNG URL is configured.");
        var url = $"{baseUrl}/search?q={Uri.EscapeDataString(query)}&format=json";
        var page = await http.GetFromJsonAsync<SearxngPage>(url, cancellationToken)
                   ?? throw new InvalidOperationException("SearXNG sent an empty answer.");
        return (page.Results ?? [])
            .Where(r => !string.IsNullOrWhiteSpace(r.Url) && Uri.TryCreate(r.Url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
            .Take(limit)
            .Select(r => new SearchResult((r.Title ?? r.Url!).Trim(), r.Url!, (r.Content ?? string.Empty).Trim()))
            .ToList();
    }

    private sealed record SearxngPage([property: JsonPropertyName("results")] IReadOnlyList<SearxngResult>? Results);

    private sealed record SearxngResult(
        [property: JsonPropertyName("title")] string? Title,
        [property: JsonPropertyName("url")] string? Url,
        [property: JsonPropertyName("content")] string? Content);
}
