using Edison.Core;
using Edison.Core.Conversations;
using Edison.Core.Inference.Clients;
using Edison.Core.Inference.Models;
using Edison.Core.ModelFiles;
using Edison.Core.Search;
using Edison.Core.Tools;
using Edison.Tests.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Edison.Tests.Core;

/// <summary>A setting Edison cannot use stops it at start with a message that names the setting and what to change.</summary>
public sealed class SettingsValidationTests
{
    [Theory]
    [InlineData("Edison:Models:HubUrl", "https://mirror.example", "Edison:Models is now Edison:Downloads")]
    [InlineData("Edison:Downloads:HubUrl", "not a url", "Edison:Downloads:HubUrl must be an absolute http(s) URL")]
    public void Download_settings_in_the_wrong_place_or_shape_are_refused(string key, string value, string message) =>
        Assert.Contains(message, Refusal<DownloadOptions>(key, value));

    [Theory]
    [InlineData("Edison:Database:Provider", "MySql", "Edison:Database:Provider must be \"Sqlite\" or \"Postgres\"")]
    [InlineData("Edison:Database:Provider", "postgres", "Edison:Database:ConnectionString is required for the Postgres provider")]
    public void A_database_Edison_cannot_open_is_refused(string key, string value, string message) =>
        Assert.Contains(message, Refusal<DatabaseOptions>(key, value));

    [Theory]
    [InlineData("Edison:Search:SearxngUrl", "ftp://search.example", "Edison:Search:SearxngUrl must be an absolute http(s) URL")]
    [InlineData("Edison:Search:Timeout", "00:00:00", "Edison:Search:Timeout must be positive")]
    public void A_search_setting_Edison_cannot_use_is_refused(string key, string value, string message) =>
        Assert.Contains(message, Refusal<SearchOptions>(key, value));

    [Theory]
    [InlineData("Edison:Tools:Fetch:MaxBytes", "0", "Edison:Tools:Fetch:MaxBytes must be between 1024 and 100000000")]
    [InlineData("Edison:Tools:Mcp:RetryAfter", "00:00:00", "Edison:Tools:Mcp:RetryAfter must be between")]
    [InlineData("Edison:Tools:Mcp:Servers:notes:Url", "ftp://mcp.example", "Edison:Tools:Mcp:Servers:notes:Url must be an absolute http(s) URL")]
    [InlineData("Edison:Tools:Mcp:Servers:notes:Approval", "sometimes", "Edison:Tools:Mcp:Servers:notes:Approval must be \"always\" or \"never\"")]
    [InlineData("Edison:Tools:MaxRounds", "0", "MaxRounds must be between 1 and 64")]
    public void A_tool_setting_Edison_cannot_use_is_refused(string key, string value, string message) =>
        Assert.Contains(message, Refusal<ToolOptions>(key, value));

    [Theory]
    [InlineData("Edison:Engine:Kind", "Ollama", "Edison:Engine:Kind must be \"Local\" or \"OpenAI\"")]
    [InlineData("Edison:Engine:Kind", "openai", "Edison:Engine:Endpoint must be the server's OpenAI base URL")]
    public void An_engine_Edison_cannot_reach_is_refused(string key, string value, string message) =>
        Assert.Contains(message, Refusal<EngineOptions>(key, value));

    [Theory]
    [InlineData("Edison:Model:FlashAttention", "sometimes", "Edison:Model:FlashAttention must be auto, on or off.")]
    [InlineData("Edison:Model:SeparateSteps", "sometimes", "Edison:Model:SeparateSteps must be auto, on or off.")]
    public void A_model_setting_Edison_cannot_use_is_refused(string key, string value, string message) =>
        Assert.Contains(message, Refusal<ModelOptions>(key, value));

    [Fact]
    public void The_defaults_and_settings_in_their_places_are_accepted()
    {
        using var services = Services(new()
        {
            ["Edison:Downloads:HubUrl"] = "https://mirror.example",
            ["Edison:Database:Provider"] = "Postgres",
            ["Edison:Database:ConnectionString"] = "Host=db",
            ["Edison:Search:SearxngUrl"] = "http://localhost:8888",
            ["Edison:Engine:Kind"] = "OpenAI",
            ["Edison:Engine:Endpoint"] = "http://inference:8080/v1",
        });

        Assert.Equal("https://mirror.example", services.GetRequiredService<IOptions<DownloadOptions>>().Value.HubUrl);
        Assert.True(services.GetRequiredService<IOptions<DatabaseOptions>>().Value.IsPostgres);
        Assert.Equal("http://localhost:8888", services.GetRequiredService<IOptions<SearchOptions>>().Value.SearxngUrl);
        Assert.True(services.GetRequiredService<IOptions<EngineOptions>>().Value.IsRemote);
    }

    // The model settings are read as the services are made, before the host starts: they must be refused the same way.
    [Theory]
    [InlineData("Edison__Models__HubUrl", "https://mirror.example", "Edison:Models is now Edison:Downloads: move its settings (Folder, HubUrl) there.")]
    [InlineData("Edison__Model__SeparateSteps", "sometimes", "Edison:Model:SeparateSteps must be auto, on or off.")]
    [InlineData("Edison__Model__MaxParallel", "0", "The field MaxParallel must be between 1 and 64.")]
    public async Task Edison_run_with_a_setting_it_cannot_use_exits_with_code_2_and_one_line_saying_what_to_change(string name, string value, string message)
    {
        var data = Directory.CreateTempSubdirectory("edison-settings-");
        try
        {
            var (exit, output) = await EdisonProcess.RunAsync(
                ["--urls", "http://127.0.0.1:0"],
                new Dictionary<string, string> { [name] = value, ["Edison__DataPath"] = data.FullName });

            Assert.Equal(2, exit);
            var line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            Assert.Equal($"Edison cannot start: {message}", line);
        }
        finally
        {
            data.Delete(recursive: true);
        }
    }

    private static string Refusal<T>(string key, string value)
        where T : class
    {
        using var services = Services(new() { [key] = value });
        return Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<T>>().Value).Message;
    }

    private static ServiceProvider Services(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddLogging();
        services.AddEdisonCore();
        return services.BuildServiceProvider();
    }
}
