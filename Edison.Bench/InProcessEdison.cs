using Edison.Core;
using Edison.Core.Chat;
using Edison.Core.Conversations;
using Edison.Core.Inference.Engine;
using Edison.Core.Inference.Models;
using Edison.Core.Inference.Prompts;
using System.Text.Json;
using Microsoft.Extensions.AI;
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

    /// <summary>
    /// An answer to a new message with a tool offered, straight from the engine: free (<c>free</c>), or held to a call
    /// of the tool from its first token, whose argument is a string (<c>string</c>: most picks fit) or a list of integers
    /// (<c>numbers</c>: a model writing noise has nearly every pick refused, the grammar's worst case).
    /// </summary>
    public async Task<StreamTiming> CallAsync(string arguments)
    {
        var model = await _services!.GetRequiredService<ModelHost>().WhenReadyAsync(CancellationToken.None);
        var schema = arguments == "numbers"
            ? """{"type":"object","properties":{"values":{"type":"array","items":{"type":"integer"}}},"required":["values"]}"""
            : """{"type":"object","properties":{"text":{"type":"string"}},"required":["text"]}""";
        var tool = AIFunctionFactory.CreateDeclaration("record", "Records what it is given.", JsonDocument.Parse(schema).RootElement);
        var message = BenchMessages.Numbered(options.Message, Interlocked.Increment(ref _requests));
        var prompt = model.Format([new ChatTurn(ChatTurn.System, "You are a helpful assistant."), new ChatTurn(ChatTurn.User, message)], tools: [tool]);
        var format = model.ToolCalls ?? throw new InvalidOperationException("The model's template offers no tools.");
        var request = new GenerationRequest(prompt, options.MaxTokens, Temperature: 0, TopP: 1, Seed: 0, StopStrings: [])
        {
            Grammar = arguments == "free" ? null : new SamplingGrammar(format.Grammar([tool], parallel: false, before: null, orText: false), [], model.TokensByFirstByte),
        };

        var timing = new TimingRecorder();
        int read = 0;
        await foreach (var update in _services!.GetRequiredService<IGenerationEngine>().GenerateAsync(request, CancellationToken.None))
        {
            timing.Text(update.Text);
            if (update.Contents.OfType<UsageContent>().FirstOrDefault() is { Details: var usage })
            {
                read = (int)((usage.InputTokenCount ?? 0) - (usage.CachedInputTokenCount ?? 0));
            }
        }

        return timing.Finish(read);
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
