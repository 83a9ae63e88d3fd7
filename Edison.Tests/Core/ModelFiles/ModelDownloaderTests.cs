using Edison.Core;
using Edison.Core.ModelFiles;
using Edison.Tests.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Edison.Tests.Core.ModelFiles;

/// <summary>Downloads from a hub on loopback serving a generated GGUF: whole, resumed, checked.</summary>
public sealed class ModelDownloaderTests : IAsyncLifetime
{
    private const string Repo = "edison-tests/story-GGUF";
    private const string File = "story.gguf";

    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("edison-downloads-");
    private FakeHub _hub = null!;
    private ModelDownloader _downloader = null!;

    public async Task InitializeAsync()
    {
        _hub = await FakeHub.StartAsync(await System.IO.File.ReadAllBytesAsync(TestModels.Story));
        _downloader = new ModelDownloader(
            new HttpClient(new ModelDownloader.NoRedirect(new SocketsHttpHandler())),
            Options.Create(new DownloadOptions { HubUrl = _hub.Url }),
            Options.Create(new EdisonOptions { DataPath = _data.FullName }),
            TimeProvider.System,
            NullLogger<ModelDownloader>.Instance);
    }

    public async Task DisposeAsync()
    {
        await _hub.DisposeAsync();
        _data.Delete(recursive: true);
    }

    [Fact]
    public async Task A_download_lands_whole_in_the_models_folder_with_progress_up_to_its_size()
    {
        var reports = new List<DownloadProgress>();

        var path = await _downloader.DownloadAsync(Repo, File, new SynchronousProgress(reports.Add), CancellationToken.None);

        Assert.Equal(Path.Combine(_data.FullName, "models", File), path);
        Assert.Equal(_hub.Content, await System.IO.File.ReadAllBytesAsync(path));
        Assert.False(System.IO.File.Exists(path + ".part"));
        Assert.Equal(_hub.Content.Length, reports[^1].Received);
        Assert.Equal(_hub.Content.Length, reports[^1].Total);
        Assert.Equal(1.0, reports[^1].Fraction);
        Assert.True(reports[^1].BytesPerSecond > 0);
    }

    [Fact]
    public async Task An_interrupted_download_resumes_where_it_stopped()
    {
        _hub.DropFirstDownloadAfter = _hub.Content.Length / 2;

        var interrupted = await Assert.ThrowsAsync<ModelDownloadException>(() => _downloader.DownloadAsync(Repo, File, null, CancellationToken.None));
        var part = Path.Combine(_data.FullName, "models", File + ".part");
        long kept = new FileInfo(part).Length;
        var path = await _downloader.DownloadAsync(Repo, File, null, CancellationToken.None);

        Assert.Contains("run it again to resume", interrupted.Message);
        Assert.InRange(kept, 1, _hub.Content.Length - 1);
        Assert.Equal(["", $"bytes={kept}-"], _hub.Ranges);
        Assert.Equal(_hub.Content, await System.IO.File.ReadAllBytesAsync(path));
    }

    [Fact]
    public async Task A_file_whose_checksum_does_not_match_the_hub_is_deleted()
    {
        _hub.Sha256 = new string('0', 64);

        var failure = await Assert.ThrowsAsync<ModelDownloadException>(() => _downloader.DownloadAsync(Repo, File, null, CancellationToken.None));

        Assert.Contains("SHA-256", failure.Message);
        Assert.Empty(Directory.GetFiles(Path.Combine(_data.FullName, "models")));
    }

    [Theory]
    [InlineData("edison-tests/missing", "story.gguf", "has no file story.gguf (404)")]
    [InlineData("../etc", "story.gguf", "not a Hugging Face repository name")]
    [InlineData("edison-tests/story-GGUF", "../../story.gguf", "not a GGUF file name")]
    [InlineData("edison-tests/story-GGUF", "story.bin", "not a GGUF file name")]
    public async Task A_wrong_repository_or_file_is_a_clear_error(string repo, string file, string expected)
    {
        var failure = await Assert.ThrowsAsync<ModelDownloadException>(() => _downloader.DownloadAsync(repo, file, null, CancellationToken.None));

        Assert.Contains(expected, failure.Message);
    }

    /// <summary>Reports on the downloading thread, so the list is complete when the download returns.</summary>
    private sealed class SynchronousProgress(Action<DownloadProgress> report) : IProgress<DownloadProgress>
    {
        public void Report(DownloadProgress value) => report(value);
    }
}
