using System.Text;
using LLama;
using LLama.Common;

namespace Edison.Core.Llama;

/// <summary>The shared weights of the one model Edison serves, with what callers need to know about it.</summary>
public sealed class LoadedModel(LLamaWeights weights, ModelParams parameters, string name, bool isDemo) : IDisposable
{
    private const string ChatTemplateKey = "tokenizer.chat_template";

    public LLamaWeights Weights { get; } = weights;

    public ModelParams Parameters { get; } = parameters;

    public string Name { get; } = name;

    public bool IsDemo { get; } = isDemo;

    public int ContextSize => (int)Parameters.ContextSize!.Value;

    public bool HasChatTemplate => Weights.Metadata.ContainsKey(ChatTemplateKey);

    public int CountTokens(string text) => Weights.Tokenize(text, add_bos: true, special: true, Encoding.UTF8).Length;

    public void Dispose() => Weights.Dispose();
}
