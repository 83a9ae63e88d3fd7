using Microsoft.Extensions.AI;

namespace Edison.Core.Inference.Engine;

/// <summary>
/// Turns prompts into streamed text on the shared model. It is the one place that decides how concurrent
/// requests share the model, so changing that policy changes one implementation of this interface.
/// </summary>
public interface IGenerationEngine
{
    /// <summary>The generations decoding right now (not those waiting for their turn).</summary>
    int ActiveGenerations { get; }

    /// <summary>The generations waiting for their turn.</summary>
    int QueuedGenerations { get; }

    /// <summary>
    /// True while the engine sets itself up for the model just loaded (a local engine builds its KV cache: seconds on a
    /// real model); a request sent meanwhile waits for that first.
    /// </summary>
    bool IsSettingUp { get; }

    /// <summary>
    /// Streams the answer as whole UTF-8 text pieces (one <see cref="TextContent"/> each), then, when it ends by itself,
    /// one last update with its finish reason and <see cref="UsageContent"/>; a stopped or failed generation ends without
    /// it. Cancelling the token ends the generation before
    /// the next token is decoded and frees the model for the next caller.
    /// </summary>
    IAsyncEnumerable<ChatResponseUpdate> GenerateAsync(GenerationRequest request, CancellationToken cancellationToken);
}
