using Edison.Core.Tools.Mcp;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Edison.Core.Tools;

internal static class ToolsRegistration
{
    /// <summary>Edison's own tools and their limits; fetches go through a client that reaches only the public internet.</summary>
    public static IServiceCollection AddEdisonTools(this IServiceCollection services)
    {
        services.AddOptions<ToolOptions>().BindConfiguration(ToolOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<ToolOptions>, ToolOptionsValidator>();
        services.AddHttpClient<UrlFetcher>(http =>
            {
                http.Timeout = Timeout.InfiniteTimeSpan;
                http.DefaultRequestHeaders.UserAgent.ParseAdd("Edison/1.0");
            })
            .ConfigurePrimaryHttpMessageHandler(services => UrlFetcher.CreateHandler(services.GetRequiredService<IOptions<ToolOptions>>()))
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan);
        services.AddSingleton<BuiltInTools>();
        services.AddSingleton<McpServers>();
        services.AddHostedService(services => services.GetRequiredService<McpServers>());
        services.AddSingleton<AgentTools>();
        services.AddSingleton<ToolApprovals>();
        return services;
    }
}
