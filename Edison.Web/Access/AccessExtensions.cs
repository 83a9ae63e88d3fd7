using System.Globalization;
using System.Threading.RateLimiting;
using Edison.Core;
using Edison.Core.Conversations;
using Edison.Web.Endpoints;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.HostFiltering;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace Edison.Web.Access;

/// <summary>
/// Who may reach Edison and from where: security headers, the host allow-list, the cross-site guard, API keys and the
/// sign-in cookie, trusted proxies, the rate limits on generation, and CORS for browser clients.
/// </summary>
public static class AccessExtensions
{
    /// <summary>The rate-limiting policy of the endpoints that generate.</summary>
    public const string GenerationLimit = "generation";

    /// <summary>The CORS policy of the endpoints browser clients may call from other origins.</summary>
    public const string BrowserClients = "browser-clients";

    private const string DataProtectionFolder = "data-protection-keys";

    public static WebApplicationBuilder AddEdisonAccess(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<AccessOptions>()
            .BindConfiguration(AccessOptions.Section)
            .Configure<IConfiguration>((access, configuration) =>
                access.ApiKeys = configuration.GetSection(AccessOptions.ApiKeysSection).Get<string[]>() ?? [])
            .ValidateDataAnnotations()
            .Validate(o => o.ParseKnownProxies() is not null, "Edison:Access:KnownProxies must list IP addresses or networks (such as 10.0.0.0/8).")
            .ValidateOnStart();
        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<CorsOriginOptions>().BindConfiguration(CorsOriginOptions.Section);
        services.AddSingleton<ApiKeyRing>();
        services.AddSingleton<FailedAccessLimiter>();
        services.AddEdisonForwardedHeaders();

        // ASP.NET Core's own host filtering applies AllowedHosts too; this machine's names always stay reachable.
        services.PostConfigure<HostFilteringOptions>(hosts =>
        {
            if (!hosts.AllowedHosts.Contains("*"))
            {
                hosts.AllowedHosts = [.. hosts.AllowedHosts.Union(LoopbackHosts.Names, StringComparer.OrdinalIgnoreCase)];
            }
        });
        services.AddEdisonSignInCookie();
        services.AddCors();
        services.AddOptions<Microsoft.AspNetCore.Cors.Infrastructure.CorsOptions>()
            .Configure<IOptions<CorsOriginOptions>>((cors, origins) => cors.AddPolicy(BrowserClients, policy => policy
                .WithOrigins(origins.Value.Origins)
                .WithMethods("GET", "POST")
                .AllowAnyHeader()));
        services.AddEdisonGenerationLimits();
        return builder;
    }

    /// <summary>In order: the host allow-list and the cross-site guard (before anything runs), CORS (so preflights pass), the sign-in cookie, the key check, then the rate limit.</summary>
    public static WebApplication UseEdisonAccess(this WebApplication app)
    {
        var keys = app.Services.GetRequiredService<ApiKeyRing>();
        app.Lifetime.ApplicationStarted.Register(keys.Initialize);
        if (app.Services.GetRequiredService<IOptions<AccessOptions>>().Value.KnownProxies.Length > 0)
        {
            app.UseForwardedHeaders();
        }

        app.UseMiddleware<HostAllowList>();
        app.UseMiddleware<CrossSiteRequestGuard>();
        app.UseCors();
        app.UseAuthentication();
        app.UseMiddleware<AccessMiddleware>();
        app.UseRateLimiter();
        return app;
    }

    /// <summary>The headers every response carries (see <see cref="SecurityHeaders"/>); first, so error responses carry them too.</summary>
    public static WebApplication UseEdisonSecurityHeaders(this WebApplication app)
    {
        app.UseMiddleware<SecurityHeaders>();
        return app;
    }

    /// <summary>
    /// <c>X-Forwarded-For</c>/<c>-Proto</c> count only from <see cref="AccessOptions.KnownProxies"/>. This also
    /// governs what ASPNETCORE_FORWARDEDHEADERS_ENABLED turns on, which on its own believes every sender, so that a
    /// direct request saying "X-Forwarded-For: 127.0.0.1" would pass for this machine.
    /// </summary>
    private static void AddEdisonForwardedHeaders(this IServiceCollection services) =>
        services.AddOptions<ForwardedHeadersOptions>().PostConfigure<IOptions<AccessOptions>>((forwarded, access) =>
        {
            var (proxies, networks) = access.Value.ParseKnownProxies() ?? ([], []);
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
            foreach (var proxy in proxies)
            {
                forwarded.KnownProxies.Add(proxy);
            }

            foreach (var network in networks)
            {
                forwarded.KnownIPNetworks.Add(network);
            }

            // Empty lists would mean "trust everyone" to the middleware: without known proxies nothing is forwarded.
            forwarded.ForwardedHeaders = proxies.Count + networks.Count == 0
                ? ForwardedHeaders.None
                : ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
        });

    /// <summary>
    /// The sign-in cookie: Secure, SameSite=Strict, 30 days, checked on every request against the keys in force (a
    /// removed key's cookies stop working). Its encryption keys are kept in the data folder, or in PostgreSQL when
    /// that is the store, so a restart signs nobody out and several nodes read each other's cookies.
    /// </summary>
    private static void AddEdisonSignInCookie(this IServiceCollection services)
    {
        services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(cookie =>
        {
            cookie.Cookie.Name = "edison_auth";
            cookie.Cookie.SameSite = SameSiteMode.Strict;
            cookie.Cookie.SecurePolicy = CookieSecurePolicy.Always;
            cookie.LoginPath = AccessMiddleware.SignInPath;
            cookie.ExpireTimeSpan = TimeSpan.FromDays(30);
            cookie.SlidingExpiration = true;
            cookie.Events.OnValidatePrincipal = async context =>
            {
                var keys = context.HttpContext.RequestServices.GetRequiredService<ApiKeyRing>();
                if (!keys.IsCurrent(context.Principal?.FindFirst(SignInEndpoints.KeyClaim)?.Value))
                {
                    context.RejectPrincipal();
                    await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
                }
            };
        });

        services.AddDataProtection().SetApplicationName("Edison");
        services.AddSingleton(sp =>
        {
            var database = sp.GetRequiredService<IOptions<DatabaseOptions>>().Value;
            return database.IsPostgres
                ? (IXmlRepository)new PostgresXmlRepository(database.ConnectionString!)
                : new FileSystemXmlRepository(
                    new DirectoryInfo(Path.Combine(sp.GetRequiredService<IOptions<EdisonOptions>>().Value.DataPath, DataProtectionFolder)),
                    sp.GetRequiredService<ILoggerFactory>());
        });
        services.AddOptions<KeyManagementOptions>().Configure<IXmlRepository>((keys, repository) => keys.XmlRepository = repository);
    }

    /// <summary>
    /// Per key (or client address without keys): at most <see cref="RateLimitOptions.PermitsPerMinute"/> generation
    /// requests a minute and <see cref="RateLimitOptions.ConcurrentPerClient"/> at once; past either, 429 with Retry-After.
    /// </summary>
    private static void AddEdisonGenerationLimits(this IServiceCollection services) =>
        services.AddRateLimiter(limiter =>
        {
            limiter.AddPolicy(GenerationLimit, context =>
            {
                var limits = context.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value;
                var client = context.Items[AccessMiddleware.ClientItem] as string ?? context.Connection.RemoteIpAddress?.ToString() ?? "local";
                return limits.PermitsPerMinute == 0 && limits.ConcurrentPerClient == 0
                    ? RateLimitPartition.GetNoLimiter(client)
                    : RateLimitPartition.Get(client, _ => Limiter(limits));
            });
            limiter.OnRejected = (rejected, _) =>
            {
                var context = rejected.HttpContext;
                bool perMinute = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter);
                string wait = perMinute ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture) : "1";
                int running = context.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value.ConcurrentPerClient;
                context.Response.Headers.RetryAfter = wait;
                var message = perMinute
                    ? $"Too many requests; try again in {wait} s."
                    : $"Too many requests at once: this client already has {running} answers running; wait for one to end.";
                return new ValueTask(ErrorResponse.For(context, message, StatusCodes.Status429TooManyRequests).ExecuteAsync(context));
            };
        });

    /// <summary>
    /// The client's limiters, the one for answers at once first: a request it turns away has not used up one of the
    /// minute's permits.
    /// </summary>
    private static RateLimiter Limiter(RateLimitOptions limits)
    {
        var limiters = new List<RateLimiter>();
        if (limits.ConcurrentPerClient > 0)
        {
            limiters.Add(new ConcurrencyLimiter(new ConcurrencyLimiterOptions { PermitLimit = limits.ConcurrentPerClient, QueueLimit = 0 }));
        }

        if (limits.PermitsPerMinute > 0)
        {
            limiters.Add(new FixedWindowRateLimiter(new FixedWindowRateLimiterOptions
            {
                PermitLimit = limits.PermitsPerMinute,
                Window = TimeSpan.FromMinutes(1),
                QueueLimit = 0,
            }));
        }

        return limiters.Count == 1 ? limiters[0] : RateLimiter.CreateChained([.. limiters]);
    }
}
