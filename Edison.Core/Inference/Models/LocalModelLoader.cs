using Edison.Core.Inference.Clients;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Edison.Core.Inference.Models;

/// <summary>Starts loading the local model at start-up, in the background; with a remote engine nothing is loaded here.</summary>
internal sealed class LocalModelLoader(ModelHost host, IOptions<EngineOptions> engine, IHostApplicationLifetime lifetime) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!engine.Value.IsRemote)
        {
            host.StartLoading(lifetime.ApplicationStopping);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
