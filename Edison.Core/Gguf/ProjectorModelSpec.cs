namespace Edison.Core.Gguf;

/// <summary>
/// Describes a tiny LLaVA-style multimodal projector (an "mmproj" GGUF) for <see cref="ProjectorModelWriter"/>: a
/// one-layer CLIP vision encoder and a two-layer MLP into the text model's embedding space. Every image becomes
/// (<see cref="ImageSize"/> / <see cref="PatchSize"/>)² image tokens, whatever its own size.
/// </summary>
/// <param name="Name">Stored as <c>general.name</c>.</param>
/// <param name="TextEmbedding">
/// The embedding width of the text model the projector is loaded with (its <c>llama.embedding_length</c>); llama.cpp
/// refuses a projector whose output has any other width.
/// </param>
/// <param name="ImageSize">The side, in pixels, of the square every image is resized and padded to before encoding.</param>
/// <param name="PatchSize">The side of one patch; it must divide <see cref="ImageSize"/>.</param>
/// <param name="Embedding">The vision encoder's hidden width.</param>
/// <param name="Heads">The vision encoder's attention heads; they must divide <see cref="Embedding"/>.</param>
public sealed record ProjectorModelSpec(
    string Name,
    int TextEmbedding,
    int ImageSize = 28,
    int PatchSize = 14,
    int Embedding = 32,
    int Heads = 2);
