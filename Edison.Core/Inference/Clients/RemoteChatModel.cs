using System.Text;
using Edison.Core.Inference.Models;
using Edison.Core.Inference.Prompts;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace Edison.Core.Inference.Clients;

/// <summary>
/// The model of a remote OpenAI-compatible server, as far as Edison can know it without its tokenizer: tokens are
/// estimated at four UTF-8 bytes each (generous for English), and the server applies its own chat template.
/// </summary>
public sealed class RemoteChatModel(IOptions<EngineOptions> options, TimeProvider time) : IChatModel, IChatModelSource
{
    private const int BytesPerToken = 4;

    public string Name => options.Value.Model;

    public int ContextSize => options.Value.ContextSize;

    public bool IsDemo => false;

    public bool CanSeeImages => options.Value.CanSeeImages;

    public DateTimeOffset LoadedAt { get; } = time.GetUtcNow();

    public IReadOnlyList<string> StopStrings => [];

    public ModelState State => ModelState.Ready;

    public IChatModel? Model => this;

    public string? Failure => null;

    // The remote model never changes under Edison: nothing to announce.
    public event Action? Changed
    {
        add { }
        remove { }
    }

    public int LongestTokenBytes => BytesPerToken;

    public int CountTokens(string text) => (Encoding.UTF8.GetByteCount(text) + BytesPerToken - 1) / BytesPerToken;

    public int CountTokens(PromptText prompt) => CountTokens(prompt.Text);

    /// <summary>A remote server's model keeps its thinking to itself until it answers: Edison reads it from the reply.</summary>
    public ThinkingFormat? Thinking => null;

    /// <summary>The server formats calls as its model's template says: Edison passes tools on and reads its calls back.</summary>
    public bool CanCallTools => true;

    /// <summary>The conversation as text, to estimate its size: the server formats it.</summary>
    public PromptText Format(IReadOnlyList<ChatTurn> turns, bool thinkingOff = false, IReadOnlyList<AIFunctionDeclaration>? tools = null) =>
        PromptText.Content(string.Join("\n", [
            .. tools?.Select(tool => $"{tool.Name}: {tool.Description} {tool.JsonSchema.GetRawText()}") ?? [],
            .. turns.Select(t => $"{t.Role}: {t.Content} {string.Concat(t.ToolCalls.Select(call => $"{call.Name}({call.Arguments})"))}")]));

    public Task<IChatModel> WhenModelReadyAsync(CancellationToken cancellationToken) => Task.FromResult<IChatModel>(this);

    // Nothing to free: the model lives on the remote server.
    public IModelLease Acquire() => new Lease(this);

    private sealed class Lease(IChatModel model) : IModelLease
    {
        public IChatModel Model { get; } = model;

        public void Dispose()
        {
        }
    }
}
