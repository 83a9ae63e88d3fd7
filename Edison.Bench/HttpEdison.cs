using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Edison.Bench;

/// <summary>Edison.Web in its own process on loopback, timed by a streaming client of /chat/stream.</summary>
/// <param name="memory">Whether remembered exchanges from other conversations go into prompts (Edison's default).</param>
public sealed class HttpEdison(BenchOptions options, string dataPath, int maxParallel, bool promptCache = true, bool memory = true) : IAsyncDisposable
{
    private int _requests;
    private int _conversations;
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
        start.Environment["Edison__Model__PromptCache"] = promptCache ? "true" : "false";
        start.Environment["Edison__Memory__Enabled"] = memory ? "true" : "false";
        if (options.PromptChunk is { } chunk)
        {
            start.Environment["Edison__Model__PromptChunkWhileStreaming"] = chunk.ToString();
        }
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
                // 200 once the model is loaded and the engine has made its context (a KV cache for every sequence,
                // gigabytes on a real model), which would otherwise take the cores the first measurements need.
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

    /// <summary>The bench's message, numbered so that every answer is to a new message.</summary>
    public async Task<StreamTiming> StreamAsync() =>
        (await StreamAsync(BenchMessages.Numbered(options.Message, Interlocked.Increment(ref _requests)), options.MaxTokens, null)).Timing;

    /// <summary>
    /// A conversation of the given number of turns, each turn sent once the answer before it is done, as a person
    /// reading the answers would: its first message new, then <see cref="BenchMessages.FollowUps"/>.
    /// </summary>
    public async Task<StreamTiming[]> ConversationAsync(int turns, int maxTokens)
    {
        var timings = new StreamTiming[turns];
        string? conversationId = null;
        for (int turn = 0; turn < turns; turn++)
        {
            var message = turn == 0
                ? BenchMessages.Opening(Interlocked.Increment(ref _conversations))
                : BenchMessages.FollowUps[(turn - 1) % BenchMessages.FollowUps.Length];
            (timings[turn], conversationId) = await StreamAsync(message, maxTokens, conversationId, remember: true);
        }

        return timings;
    }

    /// <summary>
    /// One answer streamed from /chat/stream, and its conversation. Every exchange is stored; only a remembered one joins
    /// the memory index, so that other conversations' prompts take it in (the figures without it leave memories out).
    /// </summary>
    public async Task<(StreamTiming Timing, string ConversationId)> StreamAsync(string message, int maxTokens, string? conversationId, bool remember = false)
    {
        var body = JsonSerializer.Serialize(new { message, mode = "chat", remember, max_tokens = maxTokens, temperature = 0, conversation_id = conversationId });
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
                using var done = JsonDocument.Parse((await reader.ReadLineAsync())!["data: ".Length..]);
                var result = done.RootElement;
                if (!result.GetProperty("ok").GetBoolean())
                {
                    throw new InvalidOperationException($"Edison answered with an error: {result}");
                }

                var usage = result.GetProperty("usage");
                int read = usage.GetProperty("prompt_tokens").GetInt32() - usage.GetProperty("cached_tokens").GetInt32();
                return (timing.Finish(read), result.GetProperty("conversation_id").GetString()!);
            }
        }

        throw new InvalidOperationException("The stream ended without a done event.");
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
