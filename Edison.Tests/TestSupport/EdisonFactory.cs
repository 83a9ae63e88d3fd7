using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;

namespace Edison.Tests.TestSupport;

/// <summary>
/// The real Edison web app (real LLamaSharp, real SQLite) on a generated model and its own data folder.
/// Several factories may share a data folder to test what survives a restart.
/// </summary>
public sealed class EdisonFactory : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings;
    private readonly bool _ownsDataFolder;

    private readonly Action<IWebHostBuilder>? _host;

    /// <param name="host">Further changes to the host, such as test middleware in front of Edison's.</param>
    public EdisonFactory(string? modelPath, string? dataPath = null, int contextSize = 2048, IDictionary<string, string?>? settings = null, Action<IWebHostBuilder>? host = null)
    {
        _host = host;
        _ownsDataFolder = dataPath is null;
        DataPath = dataPath ?? Directory.CreateTempSubdirectory("edison-test-data-").FullName;
        _settings = Settings(modelPath ?? string.Empty, DataPath, contextSize, settings);
    }

    /// <summary>An Edison with no model of its own: a server's OpenAI-compatible endpoint (<c>…/v1</c>) writes its answers.</summary>
    public static EdisonFactory InFrontOf(string endpoint, IDictionary<string, string?> settings) =>
        new(modelPath: null, settings: new Dictionary<string, string?>(settings)
        {
            ["Edison:Engine:Kind"] = "OpenAI",
            ["Edison:Engine:Endpoint"] = endpoint,
        });

    /// <summary>An Edison whose answers another Edison writes, reached over its socket as a remote server would be.</summary>
    public static EdisonFactory InFrontOf(HttpClient inference, string model) =>
        InFrontOf(new Uri(inference.BaseAddress!, "/v1").ToString(), new Dictionary<string, string?>
        {
            ["Edison:Engine:Model"] = model,
            ["Edison:Engine:ContextSize"] = "2048",
        });

    /// <summary>
    /// What every Edison under test runs with: its model, its own data folder, one thread (the test models are tiny: a
    /// second thread would mostly spin at llama.cpp's barriers, taking a core the rest of the suite runs on); then the
    /// test's own.
    /// </summary>
    public static Dictionary<string, string?> Settings(string modelPath, string dataPath, int contextSize, IDictionary<string, string?>? own)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Edison:DataPath"] = dataPath,
            ["Edison:Model:Path"] = modelPath,
            ["Edison:Model:ContextSize"] = contextSize.ToString(),
            ["Edison:Model:Threads"] = "1",
        };
        foreach (var (key, value) in own ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return settings;
    }

    public string DataPath { get; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        _host?.Invoke(builder);
    }

    /// <summary>A client once the model has loaded, so tests start from a ready Edison.</summary>
    public async Task<HttpClient> CreateReadyClientAsync()
    {
        var client = CreateClient();
        await WaitUntilReadyAsync(client);
        return client;
    }

    /// <summary>
    /// Edison on a real Kestrel socket (a free loopback port), for what the in-memory test server cannot give: a browser,
    /// a connection that drops, another process calling in. Returns a client of it once the model has loaded.
    /// </summary>
    public async Task<HttpClient> StartOnSocketAsync()
    {
        UseKestrel(0);
        StartServer();
        return await CreateReadyClientAsync();
    }

    /// <summary>Waits until /health says Edison can answer, for any client of an Edison under test.</summary>
    public static async Task WaitUntilReadyAsync(HttpClient client)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await client.GetAsync("/health")).StatusCode != System.Net.HttpStatusCode.OK)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("Edison's model did not load within 30 s.");
            }

            await Task.Delay(20);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_ownsDataFolder)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(DataPath, recursive: true);
        }
    }
}
