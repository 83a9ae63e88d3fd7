using Edison.Core;
using Edison.Core.Chat;
using Edison.Core.Conversations;
using Edison.Core.Inference.Engine;
using Edison.Core.Inference.Models;
using Edison.Core.Modes;
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
        var settings = new Dictionary<string, string?>
        {
            ["Edison:DataPath"] = dataPath,
            ["Edison:Model:Path"] = options.ModelPath,
            ["Edison:Model:ContextSize"] = options.ContextSize.ToString(),
            ["Edison:Model:Threads"] = options.Threads.ToString(),
            ["Edison:Model:MaxParallel"] = maxParallel.ToString(),
            ["Edison:Model:FlashAttention"] = options.FlashAttention,
        };
        if (options.PromptChunk is { } chunk)
        {
            settings["Edison:Model:PromptChunkWhileStreaming"] = chunk.ToString();
        }

        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddLogging();
        services.AddSingleton<IHostApplicationLifetime, BenchLifetime>();
        services.AddEdisonCore();
        _services = services.BuildServiceProvider();
        var models = _services.GetRequiredService<ModelHost>();
        models.StartLoading(CancellationToken.None);
        await models.WhenReadyAsync(CancellationToken.None);
        await _services.GetRequiredService<IConversationStore>().InitializeAsync(CancellationToken.None);

        // Without a host to start it, the engine makes its context (gigabytes of KV cache on a real model) for the first
        // request: one answer before any is measured.
        await AnswerAsync("warm up", 1);
    }

    private int _requests;

    /// <summary>The bench's message, numbered so that every answer is to a new message.</summary>
    public Task<StreamTiming> AnswerAsync() =>
        AnswerAsync(BenchMessages.Numbered(options.Message, Interlocked.Increment(ref _requests)), options.MaxTokens);

    /// <summary>
    /// A long message sent while an answer is streaming (from its fourth token): how long the stream stands still
    /// while the long prompt is read, and how soon that prompt's answer starts.
    /// </summary>
    public async Task<StreamTiming[]> LongPromptDuringAStreamAsync(string longMessage)
    {
        var streaming = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stream = AnswerAsync(BenchMessages.Numbered(options.Message, Interlocked.Increment(ref _requests)), options.MaxTokens, tokens =>
        {
            if (tokens == 4)
            {
                streaming.TrySetResult();
            }
        });
        await Task.WhenAny(streaming.Task, stream);
        var reading = AnswerAsync(longMessage, BenchWorker.PromptReadingTokens);
        return [await stream, await reading];
    }

    public async Task<StreamTiming> AnswerAsync(string message, int maxTokens, Action<int>? onToken = null)
    {
        var pipeline = _services!.GetRequiredService<ChatPipeline>();
        var timing = new TimingRecorder();
        var prepared = await _services!.GetRequiredService<TurnPreparation>().PrepareAsync(
            new ChatRequest(message, ChatMode.Chat.Name, Remember: false, MaxTokens: maxTokens, Temperature: 0), AnswerOwner.Client,
            CancellationToken.None);
        ChatUsage? usage = null;
        await foreach (var update in pipeline.RunAsync(prepared, CancellationToken.None))
        {
            if (AnswerEnd.Of(update) is { } done)
            {
                usage = done.Usage;
                continue;
            }

            timing.Text(update.Text);
            onToken?.Invoke(timing.Tokens);
        }

        return timing.Finish(usage is null ? 0 : usage.PromptTokens - usage.CachedTokens);
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
