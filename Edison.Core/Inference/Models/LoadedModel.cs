using Edison.Core.Inference.Prompts;
using Edison.Core.Inference.Tools;
using LLama;
using LLama.Common;
using LLama.Native;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Edison.Core.Inference.Models;

/// <summary>The shared weights of the one model Edison serves, with what callers need to know about it.</summary>
public sealed class LoadedModel(LLamaWeights weights, ModelParams parameters, string name, bool isDemo, MtmdWeights? vision = null) : IChatModel, IDisposable
{
    private const string ChatTemplateKey = "tokenizer.chat_template";

    private readonly ControlTokens _controlTokens = new(weights, new AnswerTokens());
    private readonly Lazy<TokensByFirstByte> _tokensByFirstByte = new(() => TokensByFirstByte.Of(weights));

    public LLamaWeights Weights { get; } = weights;

    /// <summary>The tokens of this model's recent answers, by their text.</summary>
    public AnswerTokens Answers => _controlTokens.Answers;

    public ModelParams Parameters { get; } = parameters;

    public string Name { get; } = name;

    public bool IsDemo { get; } = isDemo;

    public DateTimeOffset LoadedAt { get; init; }

    /// <summary>The multimodal projector, when one is loaded: images in a prompt go through it.</summary>
    public MtmdWeights? Vision { get; } = vision;

    public bool CanSeeImages => Vision is { SupportsVision: true };

    /// <summary>The text that stands for one image in a prompt; the projector puts the image's embedding there.</summary>
    public static string ImageMarker => NativeApi.MtmdDefaultMarker() ?? "<__media__>";

    /// <summary>
    /// The text with every image marker it spells broken by a word joiner: the projector reads any marker in a prompt as
    /// a place for an image, and only Edison places images, never a message that mentions the marker.
    /// </summary>
    public static string WithoutImageMarkers(string text) => ControlTokens.Broken(text, ImageMarker);

    public int ContextSize => (int)Parameters.ContextSize!.Value;

    /// <summary>A context for several answers at once, each in a KV sequence of its own with the model's whole context.</summary>
    public LLamaContext CreateContext(int sequences, ILogger? logger = null) =>
        // llama.cpp splits a non-unified KV cache evenly between its sequences.
        Weights.CreateContext(Parameters with { ContextSize = (uint)(ContextSize * sequences), SeqMax = (uint)sequences, KVUnified = false }, logger);

    public bool HasChatTemplate => Weights.Metadata.ContainsKey(ChatTemplateKey);

    /// <summary>How the model marks its thinking; null for a model that does not think.</summary>
    public ThinkingFormat? Thinking => _controlTokens.Thinking;

    public IReadOnlyList<string> StopStrings => HasChatTemplate ? [] : ChatPromptBuilder.FallbackStopStrings;

    /// <summary>
    /// What Edison writes to close the thinking when its budget is spent: the close's own token, after which the model
    /// goes on as it does after closing it itself; null for a model that does not think.
    /// </summary>
    public LLamaToken? ThinkingClose => _controlTokens.ThinkingClose;

    /// <summary>How the model is offered tools and writes its calls; null for a model whose template has none.</summary>
    public ToolCallFormat? ToolCalls => _controlTokens.ToolCalls;

    public bool CanCallTools => ToolCalls is not null;

    /// <summary>The vocabulary by first byte, for grammars (made the first time a call is held to one).</summary>
    public TokensByFirstByte TokensByFirstByte => _tokensByFirstByte.Value;

    public PromptText Format(IReadOnlyList<ChatTurn> turns, bool thinkingOff = false, IReadOnlyList<AIFunctionDeclaration>? tools = null) =>
        ChatPromptBuilder.Format(this, turns, thinkingOff, tools);

    /// <summary>The token a text is whole, if the vocabulary reads it as one (special tokens included).</summary>
    public LLamaToken? OneToken(string text) => ControlTokens.OneToken(Weights, text);

    /// <summary>Whether a token is a control token, whose text the answer does not show.</summary>
    public bool IsControl(LLamaToken token) => token.IsControl(Weights.Vocab);

    /// <summary>The prompt's tokens: control tokens from the template's markup only, content always as text.</summary>
    public LLamaToken[] Tokenize(PromptText prompt) => _controlTokens.Tokenize(prompt);

    /// <summary>The prompt as one string for the multimodal tokenizer, its content unable to spell control tokens.</summary>
    public string ToInertText(PromptText prompt) => _controlTokens.ToInertText(prompt);

    public int LongestTokenBytes => _controlTokens.LongestPieceBytes;

    public int CountTokens(PromptText prompt) => Tokenize(prompt).Length;

    public int CountTokens(string text) => _controlTokens.CountContent(text);

    public void Dispose()
    {
        Vision?.Dispose();
        Weights.Dispose();
    }
}
