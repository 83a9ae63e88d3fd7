using Edison.Core.Conversations;
using Microsoft.Extensions.AI;

namespace Edison.Core.Chat;

/// <summary>A call of one of Edison's tools that has ended, as an answer's followers get it: the call with its result or error.</summary>
public sealed class ToolRunContent(ToolRun run) : AIContent
{
    public ToolRun Run { get; } = run;
}
