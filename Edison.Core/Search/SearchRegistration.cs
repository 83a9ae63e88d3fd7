using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Edison.Core.Search;

internal static class SearchRegistration
{
    /// <summary>Web search through SearXNG, off until its address is set.</summary>
    public static IServiceCollection AddEdisonSearch(this IServiceCollection services)
    {
        services.AddOptions<SearchOptions>().BindConfiguration(SearchOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<SearchOptions>, SearchOptionsValidator>();

        // WebSearch applies the search timeout per call; the client has none of its own. It lives as long as WebSearch.
        services.AddHttpClient<ISearchProvider, SearxngSearchProvider>(http => http.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan);
        services.AddSingleton<WebSearch>();
        return services;
    }
}
