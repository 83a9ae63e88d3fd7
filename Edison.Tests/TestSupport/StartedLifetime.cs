using Microsoft.Extensions.Hosting;

namespace Edison.Tests.TestSupport;

/// <summary>An application that has finished starting, recording whether it was asked to stop.</summary>
public sealed class StartedLifetime : IHostApplicationLifetime
{
    private readonly CancellationTokenSource _stopping = new();

    public CancellationToken ApplicationStarted => new(canceled: true);

    public CancellationToken ApplicationStopping => _stopping.Token;

    public CancellationToken ApplicationStopped => CancellationToken.None;

    public bool StopRequested => _stopping.IsCancellationRequested;

    public void StopApplication() => _stopping.Cancel();
}
