using Microsoft.Extensions.Hosting;

namespace Edison.Core.Conversations;

/// <summary>Creates or upgrades the database before Edison serves its first request.</summary>
public sealed class DatabaseInitializer(IConversationStore store) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => store.InitializeAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
