using Edison.Core.Inference;
using Edison.Core.ModelFiles;

namespace Edison.Web.Endpoints;

/// <summary><c>GET /health</c>: 200 once Edison can answer, 503 while the model loads or when it failed.</summary>
public static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapEdisonHealth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/health", (IChatModelSource models, IGenerationEngine engine) =>
        {
            var model = models.Model;
            var health = new HealthReport(
                models.State.ToString().ToLowerInvariant(),
                model?.Name,
                engine.ActiveGenerations,
                engine.QueuedGenerations,
                model?.IsDemo,
                model?.ContextSize,
                model is { IsDemo: true } ? DemoModel.Hint : null,
                models.Failure);
            int status = models.State == ModelState.Ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
            return TypedResults.Json(health, EdisonJson.Options, statusCode: status);
        });
        return endpoints;
    }

    private sealed record HealthReport(
        string Status,
        string? Model,
        int ActiveGenerations,
        int QueuedGenerations,
        bool? Demo,
        int? ContextSize,
        string? Hint,
        string? Error);
}
