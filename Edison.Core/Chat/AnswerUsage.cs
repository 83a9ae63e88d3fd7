using Edison.Core.Inference.Engine;
using Microsoft.Extensions.AI;

namespace Edison.Core.Chat;

/// <summary>What an answer took, as a chat client's stream reports it (the local engine's and a remote model's alike).</summary>
internal static class AnswerUsage
{
    /// <summary>
    /// Token counts and how the answer ended, from whichever update reports them (the last, usually); what was known
    /// before, <paramref name="sofar"/>, for any other update.
    /// </summary>
    public static ChatUsage? Read(ChatResponseUpdate update, ChatUsage? sofar)
    {
        // A token's update is one text and nothing else: only the others can carry usage or the finish.
        var details = update.Contents is [TextContent] ? null : update.Contents.OfType<UsageContent>().FirstOrDefault()?.Details;
        if (details is null && update.FinishReason is null)
        {
            return sofar;
        }

        return new ChatUsage(
            (int?)details?.InputTokenCount ?? sofar?.PromptTokens ?? 0,
            (int?)details?.CachedInputTokenCount ?? sofar?.CachedTokens ?? 0,
            (int?)details?.OutputTokenCount ?? sofar?.CompletionTokens ?? 0,
            update.FinishReason is { } reason ? reason == ChatFinishReason.Length : sofar?.CutOff ?? false);
    }
}
