using Microsoft.Extensions.AI;

namespace Edison.Core.Chat;

/// <summary>
/// The end of an answer, as the last content of the last update every answer streams: how it ended (<see cref="ChatDone"/>:
/// completed with its mode, sources and usage, stopped or failed). Every transport writes it as its own ending.
/// </summary>
public sealed class AnswerEnd(ChatDone done) : AIContent
{
    public ChatDone Done { get; } = done;

    /// <summary>The update that ends an answer.</summary>
    public static ChatResponseUpdate Update(ChatDone done) => new() { Role = ChatRole.Assistant, Contents = [new AnswerEnd(done)] };

    /// <summary>How the answer ended, when <paramref name="update"/> is its end; null for any other update.</summary>
    public static ChatDone? Of(ChatResponseUpdate update) => update.Contents is [AnswerEnd end] ? end.Done : null;
}
