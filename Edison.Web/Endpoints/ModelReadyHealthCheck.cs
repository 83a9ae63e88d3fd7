using Edison.Core.Inference;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Edison.Web.Endpoints;

/// <summary>Readiness: Edison can answer once its model is loaded.</summary>
public sealed class ModelReadyHealthCheck(IChatModelSource models) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(models.State switch
        {
            ModelState.Ready => HealthCheckResult.Healthy($"{models.Model?.Name} is loaded"),
            ModelState.Failed => HealthCheckResult.Unhealthy(models.Failure),
            _ => HealthCheckResult.Unhealthy("The model is still loading"),
        });
}
