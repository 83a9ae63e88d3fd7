using Edison.Core.Tools;
using Edison.Core.Chat;
using Edison.Core.Conversations;
using Edison.Core.Inference;
using Edison.Core.Inference.Engine;
using Edison.Core.Memory;
using Edison.Core.ModelFiles;
using Edison.Core.Modes;
using Edison.Core.Replies;
using Edison.Core.Search;
using Edison.Core.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

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
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.AddSingleton<EdisonMetrics>();
        return services
            .AddEdisonModelFiles()
            .AddEdisonInference()
            .AddEdisonConversations()
            .AddEdisonMemory()
            .AddEdisonSearch()
            .AddEdisonTools()
            .AddEdisonChat();
    }

    /// <summary>
    /// The one pipeline every transport runs, with the limits on what a client may send and the mode detector, and the
    /// answers it runs.
    /// </summary>
    private static IServiceCollection AddEdisonChat(this IServiceCollection services)
    {
        services.AddOptions<ChatLimits>().BindConfiguration(ChatLimits.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<GenerationOptions>().BindConfiguration(GenerationOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IGenerationDefaults, ChatGenerationDefaults>();
        services.AddSingleton<ModeDetector>();
        services.AddSingleton<ChatRequestValidator>();
        services.AddSingleton<ExchangeRecorder>();
        services.AddSingleton<StartingPoints>();
        services.AddSingleton<ModeChoice>();
        services.AddSingleton<TurnContext>();
        services.AddSingleton<TurnPreparation>();
        services.AddSingleton<ChatPipeline>();
        services.AddSingleton<ConversationTitler>();
        services.AddSingleton<Answers>();
        services.AddSingleton<ConversationLibrary>();
        return services;
    }

    /// <summary>Remembered exchanges from other conversations, retrieved over the store's full-text index.</summary>
    private static IServiceCollection AddEdisonMemory(this IServiceCollection services)
    {
        services.AddOptions<MemoryOptions>().BindConfiguration(MemoryOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<MemoryRetriever>();
        return services;
    }
}
