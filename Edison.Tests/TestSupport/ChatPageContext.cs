using Bunit;
using Edison.Core;
using Edison.Core.Conversations;
using Edison.Core.Inference.Engine;
using Edison.Core.Inference.Models;
using Edison.Core.Replies;
using Edison.Web.Components.Chat;
using Edison.Web.Markdown;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using MudBlazor.Services;

namespace Edison.Tests.TestSupport;

/// <summary>
/// The shared bUnit context for Edison's components: Loose JS interop, MudBlazor services, Edison's real core
/// (the generated model, SQLite in a temporary folder) with a <see cref="ChannelEngine"/> and a fake clock, so a
/// test decides when each token arrives and when time passes.
/// </summary>
public abstract class ChatPageContext : BunitContext, IAsyncLifetime
{
    private readonly string _dataPath = Directory.CreateTempSubdirectory("edison-bunit-").FullName;

    /// <param name="modelPath">The model to load; empty for Edison's demo model.</param>
    protected ChatPageContext(string? modelPath = null, IDictionary<string, string?>? settings = null)
    {
        // Generous, for a busy 2-core machine running the browser tests beside these; a passing wait returns at once.
        DefaultWaitTimeout = TimeSpan.FromSeconds(10);
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        var configuration = new Dictionary<string, string?>
        {
            ["Edison:DataPath"] = _dataPath,
            ["Edison:Model:Path"] = modelPath ?? TestModels.Greeting,
            ["Edison:Model:ContextSize"] = "1024",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            configuration[key] = value;
        }

        Services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(configuration).Build());
        Services.AddSingleton<TimeProvider>(Clock);
        Services.AddSingleton<IHostApplicationLifetime, StartedLifetime>();
        Services.AddLogging();
        Services.AddEdisonCore();
        Services.AddSingleton<IGenerationEngine>(Engine);
        Services.AddSingleton<MarkdownRenderer>();
        Services.AddScoped<BrowserSettings>();
        Services.AddScoped<Edison.Web.Components.Layout.PageTheme>();
        Services.AddScoped<ChatSession>();
    }

    public FakeTimeProvider Clock { get; } = new();

    public ChannelEngine Engine { get; } = new();

    /// <summary>False for tests of the page while the model is still loading.</summary>
    protected virtual bool LoadModel => true;

    public async Task InitializeAsync()
    {
        // The page as a browser has it once its circuit runs: interactive on the server. (Set here, after the derived
        // classes have registered their services: it starts the service provider.)
        SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", isInteractive: true));
        await Services.GetRequiredService<IConversationStore>().InitializeAsync(CancellationToken.None);
        if (!LoadModel)
        {
            return;
        }

        var models = Services.GetRequiredService<ModelHost>();
        models.StartLoading(CancellationToken.None);
        await models.WhenReadyAsync(CancellationToken.None);
    }

    /// <summary>For what a test class started beside the page, such as a server.</summary>
    protected virtual Task CleanUpAsync() => Task.CompletedTask;

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await CleanUpAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

        // An answer that ended as the test did may still be storing itself (its journal appears mid-delete): the
        // folder goes once it has.
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                Directory.Delete(_dataPath, recursive: true);
                return;
            }
            catch (IOException) when (attempt < 50)
            {
                await Task.Delay(100);
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            }
        }
    }
}
