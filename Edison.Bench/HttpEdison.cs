using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Edison.Bench;

/// <summary>Edison.Web in its own process on loopback, timed by a streaming client of /chat/stream.</summary>
public sealed class HttpEdison(BenchOptions options, string dataPath, int maxParallel) : IAsyncDisposable
{
    private readonly HttpClient _client = new(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { Timeout = TimeSpan.FromMinutes(5) };
    private Process? _process;

    public async Task StartAsync()
    {
        int port = FreePort();
        var web = Path.Combine(AppContext.BaseDirectory, "Edison.Web.dll");
        var start = new ProcessStartInfo("dotnet", [web, "--urls", $"http://127.0.0.1:{port}"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.Environment["Edison__Model__Path"] = options.ModelPath;
        start.Environment["Edison__DataPath"] = dataPath;
        start.Environment["Edison__Model__ContextSize"] = options.ContextSize.ToString();
        start.Environment["Edison__Model__Threads"] = options.Threads.ToString();
        start.Environment["Edison__Model__MaxParallel"] = maxParallel.ToString();
        start.Environment["Edison__Model__FlashAttention"] = options.FlashAttention;
        // The benchmark sends hundreds of requests a minute, up to eight at once, from one address: no rate limits.
        start.Environment["Edison__RateLimit__PermitsPerMinute"] = "0";
        start.Environment["Edison__RateLimit__ConcurrentPerClient"] = "0";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        _client.BaseAddress = new Uri($"http://127.0.0.1:{port}");

        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                if ((await _client.GetAsync("/health")).StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
            }

            if (DateTime.UtcNow > deadline || _process.HasExited)
            {
                throw new InvalidOperationException("Edison.Web did not become ready.");
            }

            await Task.Delay(50);
        }
    }

    public async Task<StreamTiming> StreamAsync()
    {
        var body = JsonSerializer.Serialize(new { message = options.Message, mode = "chat", remember = false, max_tokens = options.MaxTokens, temperature = 0 });
        var timing = new TimingRecorder();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/chat/stream") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line == "event: token")
            {
                // Edison never sends an answer's leading white space, so every token event is text a reader sees.
                timing.Token();
            }
            else if (line == "event: done")
            {
                break;
            }
        }

        return timing.Finish();
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
