using Edison.Core.Inference.Models;
using Edison.Core.Modes;
using Edison.Core.Tools.Mcp;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace Edison.Core.Tools;

/// <summary>
/// The tools an answer may call: Edison's own and those of the MCP servers that are ready, in the modes the settings
/// give them to, for a model that can call tools; each held to the calls' limits, and still asking first where it did.
/// </summary>
public sealed class AgentTools(BuiltInTools builtIn, McpServers mcp, IOptions<ToolOptions> options)
{
    public IReadOnlyList<AIFunction> For(ChatMode mode, IChatModel model)
    {
        var settings = options.Value;
        return model.CanCallTools && settings.ModesWithTools.Contains(mode.Name, StringComparer.OrdinalIgnoreCase)
            ?
            [
                .. builtIn.All().Select(tool => new LimitedFunction(tool, settings)),
                .. mcp.Tools.Select(tool => tool.AsksFirst
                    ? new ApprovalRequiredAIFunction(new LimitedFunction(tool.Function, settings))
                    : (AIFunction)new LimitedFunction(tool.Function, settings)),
            ]
            : [];
    }
}
