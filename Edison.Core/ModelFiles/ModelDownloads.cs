using Edison.Core.Inference.Models;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Edison.Core.ModelFiles;

public enum DownloadStatus
{
    Downloading,
    Loading,
    Done,
    Failed,
}

/// <summary>Where the page's download stands.</summary>
public sealed record DownloadState(string Name, string Repo, string File, DownloadStatus Status, DownloadProgress? Progress = null, string? Error = null);

/// <summary>
/// The download started from the page: one at a time, in the background (it outlives the page that started it),
/// then Edison switches to the downloaded model and keeps it as its choice for the next start.
/// </summary>
public sealed class ModelDownloads(ModelDownloader downloader, ModelSelection selection, ModelHost host, IHostApplicationLifetime lifetime, ILogger<ModelDownloads> logger)
{
    private readonly Lock _gate = new();
    private volatile DownloadState? _current;

    /// <summary>Raised when the download moves on; may be raised on any thread.</summary>
    public event Action? Changed;

    public DownloadState? Current => _current;

    public bool IsBusy => _current?.Status is DownloadStatus.Downloading or DownloadStatus.Loading;

    /// <summary>Starts the download unless one is running; false when one is.</summary>
    public bool Start(string name, string repo, string file)
    {
        lock (_gate)
        {
            if (IsBusy)
            {
                return false;
            }

            Update(new DownloadState(name, repo, file, DownloadStatus.Downloading));
        }

        _ = Task.Run(() => RunAsync(name, repo, file, lifetime.ApplicationStopping));
        return true;
    }

    /// <summary>Puts away a failed download's message; a running download goes on.</summary>
    public void Dismiss()
    {
        lock (_gate)
        {
            if (_current?.Status == DownloadStatus.Failed)
            {
                Update(null);
            }
        }
    }

    private async Task RunAsync(string name, string repo, string file, CancellationToken cancellationToken)
    {
        try
        {
            var progress = new Progress(p => Update(new DownloadState(name, repo, file, DownloadStatus.Downloading, p)));
            var path = await downloader.DownloadAsync(repo, file, progress, cancellationToken);
            Update(new DownloadState(name, repo, file, DownloadStatus.Loading, _current?.Progress));
            await host.SwitchAsync(path, cancellationToken);
            selection.Select(path);
            Update(new DownloadState(name, repo, file, DownloadStatus.Done, _current?.Progress));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is ModelDownloadException or ModelFileException)
        {
            logger.LogWarning("Downloading {Repo}/{File} failed: {Reason}", repo, file, e.Message);
            Update(new DownloadState(name, repo, file, DownloadStatus.Failed, _current?.Progress, e.Message));
        }
    }

    private void Update(DownloadState? state)
    {
        _current = state;
        Changed?.Invoke();
    }

    /// <summary>Reports on the downloading thread: no synchronisation context to post to in a background task.</summary>
    private sealed class Progress(Action<DownloadProgress> report) : IProgress<DownloadProgress>
    {
        public void Report(DownloadProgress value) => report(value);
    }
}
