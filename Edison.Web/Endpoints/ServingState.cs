using Edison.Core.Inference.Engine;
using Edison.Core.Inference.Models;

namespace Edison.Web.Endpoints;

/// <summary>
/// Where Edison stands, as <c>/health</c> and <c>/health/ready</c> tell it: its model loading, loaded with the engine
/// still setting up for it (its KV cache), ready to start a request at once, or failed.
/// </summary>
public enum ServingState
{
    Loading,
    Starting,
    Ready,
    Failed,
}

public static class Serving
{
    public static ServingState StateOf(IChatModelSource models, IGenerationEngine engine) => models.State switch
    {
        ModelState.Ready => engine.IsSettingUp ? ServingState.Starting : ServingState.Ready,
        ModelState.Failed => ServingState.Failed,
        _ => ServingState.Loading,
    };
}
