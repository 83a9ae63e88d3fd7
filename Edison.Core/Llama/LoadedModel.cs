using System.Text;
using Edison.Core.Chat;
using LLama;
using LLama.Common;
using LLama.Native;

namespace Edison.Core.Llama;

/// <summary>The shared weights of the one model Edison serves, with what callers need to know about it.</summary>
public sealed class LoadedModel(LLamaWeights weights, ModelParams parameters, string name, bool isDemo, MtmdWeights? vision = null) : IChatModel, IDisposable
{
    private const string ChatTemplateKey = "tokenizer.chat_template";

    public LLamaWeights Weights { get; } = weights;

    public ModelParams Parameters { get; } = parameters;

    public string Name { get; } = name;

    public bool IsDemo { get; } = isDemo;

    public DateTimeOffset LoadedAt { get; init; }

    /// <summary>The multimodal projector, when one is loaded: images in a prompt go through it.</summary>
    public MtmdWeights? Vision { get; } = vision;

    public bool CanSeeImages => Vision is { SupportsVision: true };

    /// <summary>The text that stands for one image in a prompt; the projector puts the image's embedding there.</summary>
    public static string ImageMarker => NativeApi.MtmdDefaultMarker() ?? "<__media__>";

    public int ContextSize => (int)Parameters.ContextSize!.Value;

    public bool HasChatTemplate => Weights.Metadata.ContainsKey(ChatTemplateKey);

    public IReadOnlyList<string> StopStrings => HasChatTemplate ? [] : ChatPromptBuilder.FallbackStopStrings;

    public string Format(IReadOnlyList<ChatTurn> turns) => ChatPromptBuilder.Format(this, turns);

    public int CountTokens(string text) => Weights.Tokenize(text, add_bos: true, special: true, Encoding.UTF8).Length;

    public void Dispose()
    {
        Vision?.Dispose();
        Weights.Dispose();
    }
}
