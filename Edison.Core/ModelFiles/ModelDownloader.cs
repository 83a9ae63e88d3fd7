using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Edison.Core.ModelFiles;

/// <summary>
/// Downloads a GGUF from the Hugging Face hub into the models folder: into <c>file.part</c> first, resumed with an
/// HTTP range after an interruption, checked against the size (and the SHA-256, when the hub gives one) before it is
/// renamed into place, so a model file is either whole or absent.
/// </summary>
public sealed partial class ModelDownloader(HttpClient http, IOptions<DownloadOptions> store, IOptions<EdisonOptions> edison, TimeProvider time, ILogger<ModelDownloader> logger)
{
    private const int BufferBytes = 1 << 17;
    private static readonly TimeSpan ReportEvery = TimeSpan.FromMilliseconds(200);

    public string Folder => string.IsNullOrWhiteSpace(store.Value.Folder) ? Path.Combine(edison.Value.DataPath, "models") : store.Value.Folder;

    /// <returns>The path of the complete, checked file.</returns>
    public async Task<string> DownloadAsync(string repo, string file, IProgress<DownloadProgress>? progress, CancellationToken cancellationToken)
    {
        if (!RepoName().IsMatch(repo))
        {
            throw new ModelDownloadException($"\"{repo}\" is not a Hugging Face repository name (owner/name).");
        }

        if (!FileName().IsMatch(file) || !file.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase))
        {
            throw new ModelDownloadException($"\"{file}\" is not a GGUF file name (name.gguf, no folders).");
        }

        Directory.CreateDirectory(Folder);
        var target = Path.Combine(Folder, file);
        var part = target + ".part";
        var url = new Uri($"{store.Value.HubUrl.TrimEnd('/')}/{repo}/resolve/main/{Uri.EscapeDataString(file)}");
        try
        {
            var (size, sha256) = await DescribeAsync(url, cancellationToken);
            if (File.Exists(target) && (size is null || new FileInfo(target).Length == size))
            {
                logger.LogInformation("{File} is already downloaded", file);
                return target;
            }

            await FetchAsync(url, part, size, progress, cancellationToken);
            await VerifyAsync(part, size, sha256, cancellationToken);
            File.Move(part, target, overwrite: true);
            logger.LogInformation("Downloaded {File} from {Repo} ({Bytes} bytes)", file, repo, new FileInfo(target).Length);
            return target;
        }
        catch (HttpRequestException e) when (e.StatusCode is HttpStatusCode.NotFound)
        {
            throw new ModelDownloadException($"{repo} has no file {file} (404).", e);
        }
        catch (HttpRequestException e) when (e.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            throw new ModelDownloadException($"{repo} needs you to accept its licence on the hub (or a token) before it can be downloaded.", e);
        }
        catch (HttpRequestException e) when (e.HttpRequestError is HttpRequestError.NameResolutionError or HttpRequestError.ConnectionError or HttpRequestError.SecureConnectionError)
        {
            throw new ModelDownloadException(
                $"Edison could not reach {url.Host} ({e.Message}); check the network (or Edison:Downloads:HubUrl) and try again.", e);
        }
        catch (Exception e) when (e is HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
        {
            throw new ModelDownloadException($"The download of {file} was interrupted ({e.Message}); run it again to resume from where it stopped.", e);
        }
    }

    /// <summary>The size and SHA-256 the hub publishes for a file (on its redirect, before the CDN).</summary>
    private async Task<(long? Size, string? Sha256)> DescribeAsync(Uri url, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Head, url);
        request.Options.Set(NoRedirect.Key, true);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (response.StatusCode is not (HttpStatusCode.Found or HttpStatusCode.Redirect or HttpStatusCode.TemporaryRedirect or HttpStatusCode.MovedPermanently))
        {
            response.EnsureSuccessStatusCode();
        }

        long? size = Header(response, "x-linked-size") is { } linked && long.TryParse(linked, out var parsed) ? parsed : response.Content.Headers.ContentLength;
        var etag = Header(response, "x-linked-etag")?.Trim('"');
        return (size, etag is not null && Sha256Hex().IsMatch(etag) ? etag.ToLowerInvariant() : null);
    }

    private async Task FetchAsync(Uri url, string part, long? size, IProgress<DownloadProgress>? progress, CancellationToken cancellationToken)
    {
        long have = File.Exists(part) ? new FileInfo(part).Length : 0;
        if (have > 0 && have == size)
        {
            return;
        }

        // A part longer than the file cannot be resumed: it is fetched again from the start.
        if (have > size)
        {
            have = 0;
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (have > 0)
        {
            request.Headers.Range = new RangeHeaderValue(have, null);
        }

        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        response.EnsureSuccessStatusCode();
        bool resumed = response.StatusCode == HttpStatusCode.PartialContent;
        if (!resumed)
        {
            // The server sent the whole file: start again rather than append it to what is there.
            have = 0;
        }
        else if (have > 0)
        {
            logger.LogInformation("Resuming {File} at {Bytes} bytes", Path.GetFileName(part), have);
        }

        long? total = size ?? (response.Content.Headers.ContentLength is { } length ? length + have : null);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        await using var output = new FileStream(part, resumed ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.None, BufferBytes, useAsync: true);
        var buffer = new byte[BufferBytes];
        long started = time.GetTimestamp();
        long lastReport = 0;
        long received = have;
        int read;
        while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
        {
            await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            received += read;
            if (progress is not null && time.GetElapsedTime(lastReport == 0 ? started : lastReport) >= ReportEvery)
            {
                lastReport = time.GetTimestamp();
                progress.Report(Progress(received, have, total, time.GetElapsedTime(started)));
            }
        }

        progress?.Report(Progress(received, have, total, time.GetElapsedTime(started)));
    }

    private static DownloadProgress Progress(long received, long resumedAt, long? total, TimeSpan elapsed)
    {
        double speed = elapsed > TimeSpan.Zero ? (received - resumedAt) / elapsed.TotalSeconds : 0;
        TimeSpan? remaining = total is { } t && speed > 0 ? TimeSpan.FromSeconds((t - received) / speed) : null;
        return new DownloadProgress(received, total, speed, remaining);
    }

    private static async Task VerifyAsync(string part, long? size, string? sha256, CancellationToken cancellationToken)
    {
        long actual = new FileInfo(part).Length;
        if (size is { } expected && actual != expected)
        {
            // Too short is an interruption (resume it); anything else cannot be trusted.
            if (actual > expected)
            {
                File.Delete(part);
            }

            throw new ModelDownloadException($"{Path.GetFileName(part)} has {actual} bytes where the hub says {expected}; run the download again.");
        }

        if (sha256 is null)
        {
            return;
        }

        await using var file = File.OpenRead(part);
        var hash = Convert.ToHexStringLower(await SHA256.HashDataAsync(file, cancellationToken));
        if (hash != sha256)
        {
            file.Close();
            File.Delete(part);
            throw new ModelDownloadException($"The downloaded file's SHA-256 is {hash}, not the hub's {sha256}; it was deleted. Run the download again.");
        }
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*$")]
    private static partial Regex RepoName();

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]*$")]
    private static partial Regex FileName();

    [GeneratedRegex("^[0-9a-fA-F]{64}$")]
    private static partial Regex Sha256Hex();

    /// <summary>Marks a request whose redirect must not be followed (the hub's headers are on the redirect itself).</summary>
    public sealed class NoRedirect : DelegatingHandler
    {
        public static readonly HttpRequestOptionsKey<bool> Key = new("edison.no-redirect");

        private readonly HttpMessageInvoker _direct = new(new SocketsHttpHandler { AllowAutoRedirect = false });

        /// <summary>For the HTTP client factory, which sets the inner handler.</summary>
        public NoRedirect()
        {
        }

        public NoRedirect(HttpMessageHandler inner)
            : base(inner)
        {
        }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            request.Options.TryGetValue(Key, out bool direct) && direct
                ? _direct.SendAsync(request, cancellationToken)
                : base.SendAsync(request, cancellationToken);

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _direct.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
