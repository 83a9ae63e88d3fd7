namespace Edison.Core.Inference;

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
    /// Streams the answer as whole UTF-8 text pieces, then its usage. Cancelling the token ends the generation before
    /// the next token is decoded and frees the model for the next caller.
    /// </summary>
    IAsyncEnumerable<GenerationUpdate> GenerateAsync(GenerationRequest request, CancellationToken cancellationToken);
}
