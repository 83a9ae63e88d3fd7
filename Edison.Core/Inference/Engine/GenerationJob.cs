using System.Threading.Channels;
using Microsoft.Extensions.AI;

namespace Edison.Core.Inference.Engine;

/// <summary>One request on its way through the engine: what to generate and where its text goes.</summary>
internal sealed class GenerationJob(GenerationRequest request, CancellationToken cancellationToken, long enqueued)
{
    private int _abandoned;

    public GenerationRequest Request { get; } = request;

    /// <summary>When the request joined the queue, as a <see cref="TimeProvider"/> timestamp.</summary>
    public long Enqueued { get; } = enqueued;

    public Channel<ChatResponseUpdate> Output { get; } = Channel.CreateUnbounded<ChatResponseUpdate>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });

    public bool IsAbandoned => Volatile.Read(ref _abandoned) == 1 || cancellationToken.IsCancellationRequested;

    public void Abandon() => Volatile.Write(ref _abandoned, 1);
}
