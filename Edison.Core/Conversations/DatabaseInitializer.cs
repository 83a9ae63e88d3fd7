using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Edison.Core.Conversations;

/// <summary>
/// Creates or upgrades the database before Edison serves its first request. A database Edison cannot use stops it
/// with one line naming the file and what to do, rather than a host failure with its stack trace.
/// </summary>
public sealed class DatabaseInitializer(IConversationStore store, IHostApplicationLifetime lifetime, ILogger<DatabaseInitializer> logger) : IHostedService
{
    /// <summary>Why the database could not be used; null when it can.</summary>
    public string? Failure { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await store.InitializeAsync(cancellationToken);
        }
        catch (DatabaseUnusableException e)
        {
            Failure = e.Message;
            logger.LogCritical("{Failure}", e.Message);

            // Stopping while other services are still starting would fail their start-up with unrelated errors.
            lifetime.ApplicationStarted.Register(lifetime.StopApplication);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
