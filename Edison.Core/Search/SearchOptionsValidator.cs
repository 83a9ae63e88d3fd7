using Microsoft.Extensions.Options;

namespace Edison.Core.Search;

/// <summary>Checks <c>Edison:Search</c> at start: an http(s) SearXNG address, when one is set, and a positive timeout.</summary>
public sealed class SearchOptionsValidator : IValidateOptions<SearchOptions>
{
    public ValidateOptionsResult Validate(string? name, SearchOptions options) =>
        !string.IsNullOrWhiteSpace(options.SearxngUrl) && !IsHttpUrl(options.SearxngUrl)
            ? ValidateOptionsResult.Fail("Edison:Search:SearxngUrl must be an absolute http(s) URL.")
        : options.Timeout <= TimeSpan.Zero ? ValidateOptionsResult.Fail("Edison:Search:Timeout must be positive.")
        : ValidateOptionsResult.Success;

    private static bool IsHttpUrl(string url) => Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https";
}
