using Edison.Core;
using Edison.Core.Inference;
using Edison.Core.Inference.Engine;
using Edison.Core.Inference.Models;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Edison.Tests.TestSupport;

/// <summary>
/// A layer of Edison alone in a generic host, without HTTP: the inference layer
/// (<see cref="InferenceRegistration.AddEdisonInference"/>: no chat, store or web type), or Core
/// (<see cref="EdisonServiceCollectionExtensions.AddEdisonCore(IServiceCollection)"/>: no web type). The model is loaded
/// and the hosted services (the engine, the database) started.
/// </summary>
public sealed class LayerHost : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly string _dataPath;

    private LayerHost(IHost host, string dataPath) => (_host, _dataPath) = (host, dataPath);

    public IServiceProvider Services => _host.Services;

    public IGenerationEngine Engine => Services.GetRequiredService<IGenerationEngine>();

    /// <summary>The inference layer alone, once its model has loaded.</summary>
    /// <param name="services">Changes to the services, after Edison's (a test's own sampler factory).</param>
    public static Task<LayerHost> InferenceAsync(
        string modelPath, int contextSize = 2048, IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null) =>
        StartAsync(layer => layer.AddEdisonInference(), modelPath, contextSize, settings, services);

    /// <summary>Core (every part of a conversation, no web type), once its model has loaded and its database is ready.</summary>
    public static Task<LayerHost> CoreAsync(
        string modelPath, int contextSize = 2048, IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null) =>
        StartAsync(layer => layer.AddEdisonCore(), modelPath, contextSize, settings, services);

    private static async Task<LayerHost> StartAsync(
        Action<IServiceCollection> layer, string modelPath, int contextSize, IDictionary<string, string?>? settings, Action<IServiceCollection>? services)
    {
        var dataPath = Directory.CreateTempSubdirectory("edison-inference-").FullName;
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(EdisonFactory.Settings(modelPath, dataPath, contextSize, settings));
        builder.Logging.AddConsole().SetMinimumLevel(LogLevel.Warning);
        layer(builder.Services);
        services?.Invoke(builder.Services);
        var host = builder.Build();
        await host.StartAsync();
        await host.Services.GetRequiredService<ModelHost>().WhenReadyAsync(CancellationToken.None);
        return new LayerHost(host, dataPath);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        Directory.Delete(_dataPath, recursive: true);
    }
}
