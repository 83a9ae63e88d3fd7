
namespace Edison.Core.Inference.Engine;

/// <summary>
/// What a generation streams: pieces of text, then one last update with its <see cref="ChatUsage"/> (and no text)
/// when it ends by itself; a stopped or failed generation ends without one.
/// </summary>
public readonly record struct GenerationUpdate(string Text, ChatUsage? Usage = null);
