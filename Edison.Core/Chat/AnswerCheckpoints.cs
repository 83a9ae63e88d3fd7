using System.Text;
using Edison.Core.Conversations;
using Microsoft.Extensions.Logging;

namespace Edison.Core.Chat;

/// <summary>
/// Keeps a begun answer's text in the store as it grows (<see cref="IConversationStore.SaveAnswerSoFarAsync"/>), so
/// that Edison killed in the middle of an answer keeps what was shown of it, less its last moments: at most one write
/// every <see cref="Interval"/>, one at a time, and off the thread that streams the answer.
/// </summary>
/// <param name="details">How the answer is being made, from the draft: a thinking model's thinking so far goes with it.</param>
public sealed class AnswerCheckpoints(
    IConversationStore store, Guid conversationId, long answerId, Func<AnswerDraft, AnswerDetails> details, TimeProvider time, ILogger logger)
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    private Task _writing = Task.CompletedTask;
    private long _lastWrite = time.GetTimestamp();
    private int _thinkingWritten;

    /// <summary>Writes the answer so far when the last write is done and at least <see cref="Interval"/> old; otherwise nothing.</summary>
    public void Offer(AnswerDraft answer)
    {
        if (!_writing.IsCompleted || time.GetElapsedTime(_lastWrite) < Interval)
        {
            return;
        }

        _lastWrite = time.GetTimestamp();
        var text = answer.Text.ToString();

        // Only thinking moves the details while an answer is written, and only until the answer starts: without new
        // thinking they stay as last written, and are stored whole at the end.
        AnswerDetails? made = null;
        if (answer.Reasoning.Length > _thinkingWritten)
        {
            _thinkingWritten = answer.Reasoning.Length;
            made = details(answer);
        }

        // SQLite's "async" commands run on the caller's thread: the answer's next token must not wait for the disk.
        _writing = Task.Run(() => WriteAsync(text, made));
    }

    /// <summary>Waits for the write under way, if any, so that the answer's last word is stored after it.</summary>
    public Task WhenWrittenAsync() => _writing;

    private async Task WriteAsync(string text, AnswerDetails? made)
    {
        try
        {
            await store.SaveAnswerSoFarAsync(conversationId, answerId, text, made, CancellationToken.None);
        }
        catch (Exception e)
        {
            // The answer goes on, and is stored whole when it ends; only a crash before that loses more of it.
            logger.LogWarning(e, "Keeping the answer so far of conversation {ConversationId} failed", conversationId);
        }
    }
}
