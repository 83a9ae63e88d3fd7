using Edison.Core.Inference.Models;
using NetArchTest.Rules;

namespace Edison.Tests.Architecture;

/// <summary>
/// The inference layer (model hosting, prompts, the batching engine, the chat clients) stands alone: it knows no chat,
/// conversation, memory, search, mode or web type, so a new kind of answer content or a new store never reaches into it.
/// </summary>
public sealed class InferenceLayerTests
{
    [Fact]
    public void Inference_depends_on_no_chat_conversation_memory_search_mode_or_web_type()
    {
        var result = Types.InAssembly(typeof(LoadedModel).Assembly)
            .That().ResideInNamespace("Edison.Core.Inference")
            .ShouldNot().HaveDependencyOnAny(
                "Edison.Core.Chat",
                "Edison.Core.Conversations",
                "Edison.Core.Memory",
                "Edison.Core.Search",
                "Edison.Core.Modes",
                "Edison.Core.Telemetry",
                "Edison.Core.ModelFiles.ModelDownloads",
                "Edison.Web",
                "Microsoft.AspNetCore")
            .GetResult();

        Assert.True(result.IsSuccessful, "Inference types that reach out of their layer: " + string.Join(", ", result.FailingTypes?.Select(t => t.FullName) ?? []));
    }
}
