using Edison.Core.Chat;
using Edison.Core.Conversations;
using Edison.Core.Replies;
using Edison.Core.Telemetry;
using Edison.Web.Components.Chat;
using Edison.Web.Endpoints;
using Edison.Web.Markdown;
using Microsoft.AspNetCore.Diagnostics;
using MudBlazor.Services;
using OpenTelemetry.Metrics;

namespace Edison.Web;

public static class EdisonWebExtensions
{

    /// <summary>Registers the Blazor Server page, MudBlazor and the HTTP API's services.</summary>
    public static WebApplicationBuilder AddEdisonWeb(this WebApplicationBuilder builder)
    {
        // Outside Development, ASP.NET Core only serves static files from wwwroot, where a build (as opposed to a
        // publish) has neither the framework's scripts nor MudBlazor's: they live in the build's static web assets
        // manifest. Reading it in every environment makes `dotnet run` and the built dll work in Production too;
        // a published app has no manifest and serves its own copies.
        builder.WebHost.UseStaticWebAssets();

        var chatLimits = builder.Configuration.GetSection(ChatLimits.Section).Get<ChatLimits>() ?? new ChatLimits();
        builder.Services.AddRazorComponents()
            .AddInteractiveServerComponents()
            .AddHubOptions(hub =>
            {
                // The input sends the whole message on each keystroke: room for the longest accepted message at six
                // bytes a character (JSON escapes), so a long paste gets Edison's own message instead of a dropped circuit.
                hub.MaximumReceiveMessageSize = (chatLimits.MaxMessageCharacters + 1L) * 6 + 64 * 1024;
            });
        builder.Services.AddMudServices();
        builder.Services.ConfigureHttpJsonOptions(o => EdisonJson.Configure(o.SerializerOptions));
        builder.Services.AddSingleton<ChatRequestReader>();
        builder.Services.AddSingleton<ApiRoutes>();
        builder.Services.AddSingleton<MarkdownRenderer>();
        builder.Services.AddScoped<BrowserSettings>();
        builder.Services.AddScoped<Components.Layout.PageTheme>();
        builder.Services.AddScoped<ChatSession>();
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(EdisonMetrics.MeterName)
            .AddAspNetCoreInstrumentation()
            // Every scrape sees the counters as they are, not a copy up to 300 ms old.
            .AddPrometheusExporter(prometheus => prometheus.ScrapeResponseCacheDurationMilliseconds = 0));
        builder.Services.AddHealthChecks().AddCheck<ModelReadyHealthCheck>("model", tags: [HealthEndpoints.ReadyTag]);
        return builder;
    }

    /// <summary><c>/metrics</c> for Prometheus.</summary>
    public static WebApplication MapEdisonMetrics(this WebApplication app)
    {
        app.MapPrometheusScrapingEndpoint();
        return app;
    }

    /// <summary>
    /// An unexpected failure answers in the error shape of the API asked (OpenAI's under /v1), never a stack trace; so
    /// do a wrong method (405) and an unknown address (404) under the APIs, which would otherwise answer with no body.
    /// </summary>
    public static WebApplication UseEdisonErrors(this WebApplication app)
    {
        app.UseExceptionHandler(errors => errors.Run(context =>
        {
            // The database not answering is a passing state a client can wait out, not an error of Edison's.
            if (context.Features.Get<IExceptionHandlerFeature>()?.Error is { } error && StoreUnavailable.Is(error))
            {
                context.Response.Headers.RetryAfter = "5";
                return ErrorResponse.For(context, StoreUnavailable.Message, StatusCodes.Status503ServiceUnavailable).ExecuteAsync(context);
            }

            return ErrorResponse.For(context, "Edison hit an unexpected error; it has been logged.", StatusCodes.Status500InternalServerError)
                .ExecuteAsync(context);
        }));
        app.UseStatusCodePages(pages =>
        {
            var context = pages.HttpContext;
            if (!Access.AccessMiddleware.IsApi(context.Request.Path))
            {
                return Task.CompletedTask;
            }

            if (context.Response.StatusCode is not (StatusCodes.Status404NotFound or StatusCodes.Status405MethodNotAllowed))
            {
                return Task.CompletedTask;
            }

            var allowed = context.RequestServices.GetRequiredService<ApiRoutes>().MethodsAt(context.Request.Path);
            if (allowed.Count == 0)
            {
                return ErrorResponse.For(context, $"Edison has no endpoint at {context.Request.Path}.", StatusCodes.Status404NotFound).ExecuteAsync(context);
            }

            var methods = string.Join(", ", allowed);
            context.Response.Headers.Allow = methods;
            return ErrorResponse.For(context, $"{context.Request.Method} is not allowed on {context.Request.Path}; use {methods}.", StatusCodes.Status405MethodNotAllowed)
                .ExecuteAsync(context);
        });

        // An address that is not the page's nor the API's gets a page saying so, with the way back, and keeps its 404.
        app.UseWhen(
            context => !Access.AccessMiddleware.IsApi(context.Request.Path),
            page => page.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true));
        return app;
    }
}
