using Edison.Core.Inference.Models;
using Edison.Core.Modes;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace Edison.Core.Tools;

/// <summary>The tools an answer may call: Edison's own, in the modes the settings give them to, for a model that can call tools.</summary>
public sealed class AgentTools(BuiltInTools builtIn, IOptions<ToolOptions> options)
{
    public IReadOnlyList<AIFunction> For(ChatMode mode, IChatModel model)
    {
        var settings = options.Value;
        return model.CanCallTools && settings.ModesWithTools.Contains(mode.Name, StringComparer.OrdinalIgnoreCase)
            ? [.. builtIn.All().Select(tool => new LimitedFunction(tool, settings))]
            : [];
    }
}
