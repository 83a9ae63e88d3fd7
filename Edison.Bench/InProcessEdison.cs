using Edison.Core;
using Edison.Core.Chat;
using Edison.Core.Conversations;
using Edison.Core.Llama;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Edison.Bench;

/// <summary>Edison's core in this process, without HTTP: the pipeline's own events are timed.</summary>
public sealed class InProcessEdison(BenchOptions options, string dataPath, int maxParallel) : IAsyncDisposable
{
    private ServiceProvider? _services;

    public async Task StartAsync()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Edison:DataPath"] = dataPath,
            ["Edison:Model:Path"] = options.ModelPath,
            ["Edison:Model:ContextSize"] = options.ContextSize.ToString(),
            ["Edison:Model:Threads"] = options.Threads.ToString(),
            ["Edison:Model:MaxParallel"] = maxParallel.ToString(),
            ["Edison:Model:FlashAttention"] = options.FlashAttention,
        }).Build());
        services.AddLogging();
        services.AddSingleton<IHostApplicationLifetime, BenchLifetime>();
        services.AddEdisonCore();
        _services = services.BuildServiceProvider();
        var models = _services.GetRequiredService<ModelHost>();
        models.StartLoading(CancellationToken.None);
        await models.WhenReadyAsync(CancellationToken.None);
        await _services.GetRequiredService<IConversationStore>().InitializeAsync(CancellationToken.None);
    }

    public async Task<StreamTiming> AnswerAsync()
    {
        var pipeline = _services!.GetRequiredService<ChatPipeline>();
        var timing = new TimingRecorder();
        var prepared = await pipeline.PrepareAsync(
            new ChatRequest(options.Message, ChatMode.Chat.Name, Remember: false, MaxTokens: options.MaxTokens, Temperature: 0),
            CancellationToken.None);
        await foreach (var chatEvent in pipeline.RunAsync(prepared, CancellationToken.None))
        {
            if (chatEvent is ChatToken token)
            {
                timing.Text(token.Text);
            }
        }

        return timing.Finish();
    }

    public async ValueTask DisposeAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }
    }

    private sealed class BenchLifetime : IHostApplicationLifetime
    {
        public CancellationToken ApplicationStarted => new(canceled: true);

        public CancellationToken ApplicationStopping => CancellationToken.None;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void StopApplication()
        {
        }
    }
}
