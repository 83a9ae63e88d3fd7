using System.ClientModel;
using Edison.Core.Inference.Clients;
using Edison.Core.Inference.Engine;
using Edison.Core.Inference.Models;
using Edison.Core.Inference.Prompts;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenAI;

namespace Edison.Core.Inference;

public static class InferenceRegistration
{
    /// <summary>
    /// What writes the text: the local model and its engine, or a remote OpenAI-compatible server, and the prompt
    /// formatting. Whole on its own: a host with only these (and a configuration) loads the model and generates.
    /// </summary>
    public static IServiceCollection AddEdisonInference(this IServiceCollection services)
    {
        services.AddOptions<EdisonOptions>().BindConfiguration(EdisonOptions.Section);
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<ModelOptions>().BindConfiguration(ModelOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<EngineOptions>().BindConfiguration(EngineOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<QueueOptions>().BindConfiguration(QueueOptions.Section);
        services.AddSingleton<IValidateOptions<EngineOptions>, EngineOptionsValidator>();

        services.AddSingleton<NativeLog>();
        services.AddSingleton<ModelSelection>();
        services.AddSingleton<ModelLoader>();
        services.AddSingleton<ModelHost>();
        services.AddHostedService<LocalModelLoader>();
        services.AddSingleton<ISamplerFactory, SamplerFactory>();
        services.AddSingleton<BatchedGenerationEngine>();
        services.AddSingleton<IGenerationEngine>(sp => sp.GetRequiredService<BatchedGenerationEngine>());
        services.AddHostedService(sp => sp.GetRequiredService<BatchedGenerationEngine>());
        services.AddSingleton<ChatPromptBuilder>();

        services.AddSingleton<RemoteChatModel>();
        services.AddSingleton<LocalChatClient>();
        services.AddSingleton<IChatModelSource>(sp => IsRemote(sp) ? sp.GetRequiredService<RemoteChatModel>() : sp.GetRequiredService<ModelHost>());
        services.AddSingleton<IChatClient>(sp => IsRemote(sp) ? CreateRemoteClient(sp.GetRequiredService<IOptions<EngineOptions>>().Value) : sp.GetRequiredService<LocalChatClient>());
        return services;
    }

    private static bool IsRemote(IServiceProvider services) => services.GetRequiredService<IOptions<EngineOptions>>().Value.IsRemote;

    private static IChatClient CreateRemoteClient(EngineOptions engine) =>
        new OpenAIClient(
                new ApiKeyCredential(string.IsNullOrEmpty(engine.ApiKey) ? "none" : engine.ApiKey),
                new OpenAIClientOptions { Endpoint = new Uri(engine.Endpoint!), NetworkTimeout = Timeout.InfiniteTimeSpan })
            .GetChatClient(engine.Model)
            .AsIChatClient();
}
