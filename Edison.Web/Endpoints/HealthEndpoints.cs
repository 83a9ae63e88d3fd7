using Edison.Core.Inference.Engine;
using Edison.Core.Inference.Models;
using Edison.Core.ModelFiles;
using Edison.Core.Tools.Mcp;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;

namespace Edison.Web.Endpoints;

/// <summary>
/// <c>GET /health</c>, Edison's own: 200 once Edison can answer, 503 while the model loads, while the engine sets up for
/// it (<c>"starting"</c>) or when it failed, with what runs, and how each configured MCP server stands (one that failed
/// is reported, never fatal). <c>/health/live</c> (the process answers) and
/// <c>/health/ready</c> (a request would start at once) for orchestrators.
/// </summary>
public static class HealthEndpoints
{
    /// <summary>The tag of the health checks <c>/health/ready</c> runs.</summary>
    public const string ReadyTag = "ready";

    public static IEndpointRouteBuilder MapEdisonHealth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        endpoints.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag) });
        endpoints.MapGet("/health", (IChatModelSource models, IGenerationEngine engine, McpServers mcp) =>
        {
            var model = models.Model;
            var state = Serving.StateOf(models, engine);
            var health = new HealthReport(
                state.ToString().ToLowerInvariant(),
                model?.Name,
                engine.ActiveGenerations,
                engine.QueuedGenerations,
                model?.IsDemo,
                model?.ContextSize,
                model is { IsDemo: true } ? DemoModel.Hint : null,
                models.Failure,
                mcp.States.Count == 0 ? null : [.. mcp.States.Select(server => new McpHealth(server.Name, server.State, server.Tools))]);
            int status = state == ServingState.Ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
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
        string? Error,
        [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
        IReadOnlyList<McpHealth>? Mcp);

    /// <summary>
    /// How an MCP server stands, without why it failed: <c>/health</c> answers anyone who can reach it, and a server's
    /// error may quote its own log. The page (behind Edison's access) and Edison's log say why.
    /// </summary>
    private sealed record McpHealth(string Name, string State, IReadOnlyList<string> Tools);
}
