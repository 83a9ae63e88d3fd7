using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Edison.Core.Inference.Engine;
using Microsoft.Extensions.AI;

namespace Edison.Tests.TestSupport;

/// <summary>
/// A generation engine whose tokens the test writes one by one, for tests that must control timing token by
/// token. <see cref="EndAnswer"/> finishes the current answer; cancellation ends it like the real engine does.
/// </summary>
public sealed class ChannelEngine : IGenerationEngine
{
    private const string FailureMarker = "\u0000fail";
    private const string ThoughtMarker = "\u0000thought:";

    private readonly Channel<string?> _tokens = Channel.CreateUnbounded<string?>();
    private int _active;

    public int ActiveGenerations => Volatile.Read(ref _active);

    public int QueuedGenerations => 0;

    public bool IsSettingUp { get; set; }

    public List<GenerationRequest> Requests { get; } = [];

    /// <summary>Tokens written but not yet taken by a generation.</summary>
    public int PendingTokens => _tokens.Reader.Count;

    public void Write(string token) => _tokens.Writer.TryWrite(token);

    public void EndAnswer() => _tokens.Writer.TryWrite(null);

    /// <summary>A piece of thinking, as a thinking model's engine streams it (reasoning, not answer text).</summary>
    public void WriteThought(string thought) => _tokens.Writer.TryWrite(ThoughtMarker + thought);

    /// <summary>Ends the current answer with a failure, as a native error would.</summary>
    public void Fail() => _tokens.Writer.TryWrite(FailureMarker);

    public async IAsyncEnumerable<ChatResponseUpdate> GenerateAsync(GenerationRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        lock (Requests)
        {
            Requests.Add(request);
        }

        Interlocked.Increment(ref _active);
        try
        {
            while (true)
            {
                var token = await _tokens.Reader.ReadAsync(cancellationToken);
                // As the real engine ends an answer that ended well: an update with the finish reason.
                if (token is null)
                {
                    yield return new ChatResponseUpdate { Role = ChatRole.Assistant, FinishReason = ChatFinishReason.Stop };
                    yield break;
                }

                if (token == FailureMarker)
                {
                    throw new InvalidOperationException("the engine failed");
                }

                yield return token.StartsWith(ThoughtMarker, StringComparison.Ordinal)
                    ? new ChatResponseUpdate(ChatRole.Assistant, [new TextReasoningContent(token[ThoughtMarker.Length..])])
                    : new ChatResponseUpdate(ChatRole.Assistant, token);
            }
        }
        finally
        {
            Interlocked.Decrement(ref _active);
        }
    }
}
