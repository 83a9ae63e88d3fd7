using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Edison.Core.ModelFiles;

internal static class ModelFilesRegistration
{
    /// <summary>Where a model comes from: the chosen file, and downloads from the hub.</summary>
    public static IServiceCollection AddEdisonModelFiles(this IServiceCollection services)
    {
        services.AddOptions<DownloadOptions>().BindConfiguration(DownloadOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<DownloadOptions>, DownloadOptionsValidator>();

        // A download may take hours: no client timeout (the downloader stops on its own stall timer), and redirects
        // only where the downloader follows them itself. The one client lives as long as ModelDownloads, which holds
        // it, so its connections are recycled by lifetime instead of by the factory.
        services.AddHttpClient<ModelDownloader>(http => http.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
            .AddHttpMessageHandler(() => new ModelDownloader.NoRedirect())
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan);
        services.AddSingleton<ModelDownloads>();
        return services;
    }
}
