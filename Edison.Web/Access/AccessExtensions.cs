using System.Globalization;
using System.Threading.RateLimiting;
using Edison.Web.Endpoints;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;

namespace Edison.Web.Access;

/// <summary>API keys, the sign-in cookie, the rate limit on generation and CORS for browser clients.</summary>
public static class AccessExtensions
{
    /// <summary>The rate-limiting policy of the endpoints that generate.</summary>
    public const string GenerationLimit = "generation";

    /// <summary>The CORS policy of the endpoints browser clients may call from other origins.</summary>
    public const string BrowserClients = "browser-clients";

    public static WebApplicationBuilder AddEdisonAccess(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<AccessOptions>().BindConfiguration(AccessOptions.Section);
        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<CorsOriginOptions>().BindConfiguration(CorsOriginOptions.Section);
        services.AddSingleton<ApiKeyRing>();
        services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(cookie =>
        {
            cookie.Cookie.Name = "edison_auth";
            cookie.Cookie.SameSite = SameSiteMode.Strict;
            cookie.LoginPath = AccessMiddleware.SignInPath;
            cookie.ExpireTimeSpan = TimeSpan.FromDays(30);
            cookie.SlidingExpiration = true;
        });
        services.AddCors();
        services.AddOptions<Microsoft.AspNetCore.Cors.Infrastructure.CorsOptions>()
            .Configure<IOptions<CorsOriginOptions>>((cors, origins) => cors.AddPolicy(BrowserClients, policy => policy
                .WithOrigins(origins.Value.Origins)
                .WithMethods("GET", "POST")
                .AllowAnyHeader()));
        services.AddRateLimiter(limiter =>
        {
            limiter.AddPolicy(GenerationLimit, context =>
            {
                int permits = context.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value.PermitsPerMinute;
                var client = context.Items[AccessMiddleware.ClientItem] as string ?? context.Connection.RemoteIpAddress?.ToString() ?? "local";
                return permits == 0
                    ? RateLimitPartition.GetNoLimiter(client)
                    : RateLimitPartition.GetFixedWindowLimiter(client, _ => new FixedWindowRateLimiterOptions
                    {
                        PermitLimit = permits,
                        Window = TimeSpan.FromMinutes(1),
                        QueueLimit = 0,
                    });
            });
            limiter.OnRejected = (rejected, cancellationToken) =>
            {
                var context = rejected.HttpContext;
                string wait = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
                    ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture)
                    : "60";
                context.Response.Headers.RetryAfter = wait;
                var result = ErrorResponse.For(context, $"Too many requests; try again in {wait} s.", StatusCodes.Status429TooManyRequests);
                return new ValueTask(result.ExecuteAsync(context));
            };
        });
        return builder;
    }

    /// <summary>In order: CORS (so preflights pass), the sign-in cookie, the key check, then the rate limit.</summary>
    public static WebApplication UseEdisonAccess(this WebApplication app)
    {
        var keys = app.Services.GetRequiredService<ApiKeyRing>();
        app.Lifetime.ApplicationStarted.Register(keys.Initialize);
        app.UseCors();
        app.UseAuthentication();
        app.UseMiddleware<AccessMiddleware>();
        app.UseRateLimiter();
        app.MapEdisonSignIn();
        return app;
    }
}
