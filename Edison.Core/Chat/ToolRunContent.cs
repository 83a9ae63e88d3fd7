using Edison.Core.Conversations;
using Microsoft.Extensions.AI;

namespace Edison.Core.Chat;

/// <summary>
/// A call of one of Edison's tools as an answer's followers get it when it changes: waiting for the person's approval,
/// approved, or ended with its result or error.
/// </summary>
/// <param name="conversationId">The conversation the answer is in: what the person's decision names.</param>
public sealed class ToolRunContent(ToolRun run, Guid conversationId) : AIContent
{
    public ToolRun Run { get; } = run;

    public Guid ConversationId { get; } = conversationId;
}
