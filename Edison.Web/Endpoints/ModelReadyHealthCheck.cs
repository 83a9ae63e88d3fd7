using Edison.Core.Inference.Engine;
using Edison.Core.Inference.Models;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Edison.Web.Endpoints;

/// <summary>Readiness: a request would start at once: the model is loaded and the engine has set up for it.</summary>
public sealed class ModelReadyHealthCheck(IChatModelSource models, IGenerationEngine engine) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(Serving.StateOf(models, engine) switch
        {
            ServingState.Starting => HealthCheckResult.Unhealthy($"{models.Model?.Name} is loaded; Edison is setting up its memory for it"),
            ServingState.Ready => HealthCheckResult.Healthy($"{models.Model?.Name} is loaded"),
            ServingState.Failed => HealthCheckResult.Unhealthy(models.Failure),
            _ => HealthCheckResult.Unhealthy("The model is still loading"),
        });
}
