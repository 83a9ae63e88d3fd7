using System.ClientModel;
using Edison.Core.Chat;
using Edison.Core.Conversations;
using Edison.Core.Inference;
using Edison.Core.Memory;
using Edison.Core.ModelFiles;
using Edison.Core.Modes;
using Edison.Core.Search;
using Edison.Core.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using IChatClient = Microsoft.Extensions.AI.IChatClient;
using Microsoft.Extensions.Options;
using OpenAI;

namespace Edison.Core;

public static class EdisonServiceCollectionExtensions
{
    /// <summary>Registers the model, the generation engine, the conversation store and the chat pipeline.</summary>
    public static IHostApplicationBuilder AddEdisonCore(this IHostApplicationBuilder builder)
    {
        builder.Services.AddEdisonCore();
        return builder;
    }

    /// <summary>The same registrations on a bare service collection; settings come from its IConfiguration.</summary>
    public static IServiceCollection AddEdisonCore(this IServiceCollection services)
    {
        services.AddOptions<EdisonOptions>().BindConfiguration(EdisonOptions.Section);
        services.AddOptions<ModelOptions>().BindConfiguration(ModelOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<GenerationOptions>().BindConfiguration(GenerationOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ChatLimits>().BindConfiguration(ChatLimits.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<MemoryOptions>().BindConfiguration(MemoryOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<SearchOptions>()
            .BindConfiguration(SearchOptions.Section)
            .ValidateDataAnnotations()
            .Validate(
                o => string.IsNullOrWhiteSpace(o.SearxngUrl) || Uri.TryCreate(o.SearxngUrl, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https",
                "Edison:Search:SearxngUrl must be an absolute http(s) URL.")
            .Validate(o => o.Timeout > TimeSpan.Zero, "Edison:Search:Timeout must be positive.")
            .ValidateOnStart();
        services.AddOptions<DatabaseOptions>()
            .BindConfiguration(DatabaseOptions.Section)
            .Validate(
                o => IsProvider(o, DatabaseOptions.Sqlite) || IsProvider(o, DatabaseOptions.Postgres),
                $"Edison:Database:Provider must be \"{DatabaseOptions.Sqlite}\" or \"{DatabaseOptions.Postgres}\".")
            .Validate(
                o => !IsProvider(o, DatabaseOptions.Postgres) || !string.IsNullOrWhiteSpace(o.ConnectionString),
                "Edison:Database:ConnectionString is required for the Postgres provider (e.g. Host=db;Database=edison;Username=edison;Password=...).")
            .ValidateOnStart();

        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.AddSingleton<EdisonMetrics>();
        services.AddSingleton<ModelSelection>();
        services.AddOptions<DownloadOptions>().BindConfiguration(DownloadOptions.Section);
        services.AddSingleton(sp => new ModelDownloader(
            new HttpClient(new ModelDownloader.NoRedirect(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }))
            {
                Timeout = Timeout.InfiniteTimeSpan,
            },
            sp.GetRequiredService<IOptions<DownloadOptions>>(),
            sp.GetRequiredService<IOptions<EdisonOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<ModelDownloader>>()));
        services.AddSingleton<NativeLog>();
        services.AddSingleton<ModelLoader>();
        services.AddSingleton<ModelHost>();
        services.AddSingleton<ModelDownloads>();
        services.AddOptions<EngineOptions>()
            .BindConfiguration(EngineOptions.Section)
            .ValidateDataAnnotations()
            .Validate(
                o => string.Equals(o.Kind, EngineOptions.Local, StringComparison.OrdinalIgnoreCase) || o.IsRemote,
                $"Edison:Engine:Kind must be \"{EngineOptions.Local}\" or \"{EngineOptions.OpenAI}\".")
            .Validate(
                o => !o.IsRemote || Uri.TryCreate(o.Endpoint, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https",
                "Edison:Engine:Endpoint must be the server's OpenAI base URL (http(s)://host:port/v1) when Edison:Engine:Kind is OpenAI.")
            .ValidateOnStart();
        services.AddSingleton<RemoteChatModel>();
        services.AddSingleton<LocalChatClient>();
        services.AddSingleton<IChatModelSource>(sp => Remote(sp) ? sp.GetRequiredService<RemoteChatModel>() : sp.GetRequiredService<ModelHost>());
        services.AddSingleton<IChatClient>(sp => Remote(sp) ? CreateRemoteClient(sp.GetRequiredService<IOptions<EngineOptions>>().Value) : sp.GetRequiredService<LocalChatClient>());

        services.AddHostedService<LocalModelLoader>();
        services.AddSingleton<ISamplerFactory, SamplerFactory>();
        services.AddSingleton<BatchedGenerationEngine>();
        services.AddSingleton<IGenerationEngine>(sp => sp.GetRequiredService<BatchedGenerationEngine>());
        services.AddHostedService(sp => sp.GetRequiredService<BatchedGenerationEngine>());
        services.AddSingleton<IConversationStore>(sp =>
            IsProvider(sp.GetRequiredService<IOptions<DatabaseOptions>>().Value, DatabaseOptions.Postgres)
                ? ActivatorUtilities.CreateInstance<PostgresConversationStore>(sp)
                : ActivatorUtilities.CreateInstance<SqliteConversationStore>(sp));
        services.AddHostedService<DatabaseInitializer>();
        services.AddSingleton<ChatPromptBuilder>();
        services.AddSingleton<ModeDetector>();
        services.AddSingleton<MemoryRetriever>();
        // The provider owns one HttpClient for its lifetime; the search timeout is applied per call by WebSearch.
        services.AddSingleton<ISearchProvider>(sp => new SearxngSearchProvider(
            new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = Timeout.InfiniteTimeSpan },
            sp.GetRequiredService<IOptions<SearchOptions>>()));
        services.AddSingleton<WebSearch>();
        services.AddSingleton<ChatPipeline>();
        return services;
    }

    private static bool Remote(IServiceProvider services) => services.GetRequiredService<IOptions<EngineOptions>>().Value.IsRemote;

    private static IChatClient CreateRemoteClient(EngineOptions engine) =>
        Microsoft.Extensions.AI.OpenAIClientExtensions.AsIChatClient(new OpenAIClient(
                new ApiKeyCredential(string.IsNullOrEmpty(engine.ApiKey) ? "none" : engine.ApiKey),
                new OpenAIClientOptions { Endpoint = new Uri(engine.Endpoint!), NetworkTimeout = Timeout.InfiniteTimeSpan })
            .GetChatClient(engine.Model));

    /// <summary>Starts loading the local model at start-up, in the background; with a remote engine nothing is loaded here.</summary>
    private sealed class LocalModelLoader(ModelHost host, IOptions<EngineOptions> engine, IHostApplicationLifetime lifetime) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            if (!engine.Value.IsRemote)
            {
                host.StartLoading(lifetime.ApplicationStopping);
            }

            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private static bool IsProvider(DatabaseOptions options, string provider) =>
        string.Equals(options.Provider, provider, StringComparison.OrdinalIgnoreCase);
}
