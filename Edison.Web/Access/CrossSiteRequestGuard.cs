using Edison.Web.Endpoints;
using Microsoft.Extensions.Options;

namespace Edison.Web.Access;

/// <summary>
/// A page on another site must not make the user's browser drive Edison: anything that could change or reveal
/// something (the APIs, the Blazor circuit, and every request that is not a GET) is refused with 403 when the browser
/// says it comes from another origin (<c>Origin</c>) or another site (<c>Sec-Fetch-Site</c>), unless that origin is
/// one of <c>Edison:Cors:Origins</c> (APIs only). Requests without those headers (curl, SDKs) and same-origin pages
/// pass; navigating to the page from a link elsewhere is a GET and passes too.
/// </summary>
public sealed class CrossSiteRequestGuard(RequestDelegate next, IOptions<CorsOriginOptions> cors)
{
    private readonly HashSet<string> _allowedOrigins = new(cors.Value.Origins.Select(o => o.TrimEnd('/')), StringComparer.OrdinalIgnoreCase);

    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (!IsGuarded(request) || IsAllowed(request))
        {
            return next(context);
        }

        var origin = request.Headers.Origin.ToString();
        var message = origin.Length > 0
            ? $"Edison does not answer pages of other sites ({origin}); add the origin to Edison:Cors:Origins to allow it."
            : "Edison does not answer pages of other sites.";
        return ErrorResponse.For(context, message, StatusCodes.Status403Forbidden).ExecuteAsync(context);
    }

    private static bool IsGuarded(HttpRequest request) =>
        !HttpMethods.IsOptions(request.Method)
        && (!(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
            || AccessMiddleware.IsApi(request.Path)
            || request.Path.StartsWithSegments("/_blazor"));

    private bool IsAllowed(HttpRequest request)
    {
        var origin = request.Headers.Origin.ToString();
        var site = request.Headers["Sec-Fetch-Site"].ToString();
        if (origin == "null")
        {
            // An opaque origin comes from a sandboxed frame, or from a page whose referrer policy hides it; only the
            // browser's own word that the page is Edison's lets it through.
            return site == "same-origin";
        }

        if (origin.Length > 0)
        {
            return IsSameOrigin(origin, request.Host) || (AccessMiddleware.IsApi(request.Path) && _allowedOrigins.Contains(origin));
        }

        // No Origin: not a cross-origin fetch; a browser still says where a plain GET (an <img>, say) came from.
        return site is "" or "same-origin" or "none";
    }

    /// <summary>
    /// The page's origin names the host and port the request was sent to. The scheme is not compared: behind a TLS
    /// proxy the page is https while Edison sees http, and only one server answers on a host and port.
    /// </summary>
    private static bool IsSameOrigin(string origin, HostString host)
    {
        if (!Uri.TryCreate(origin, UriKind.Absolute, out var page) || !host.HasValue)
        {
            return false;
        }

        int port = host.Port ?? (page.Scheme == Uri.UriSchemeHttps ? 443 : 80);
        return page.Host.Equals(host.Host, StringComparison.OrdinalIgnoreCase) && page.Port == port;
    }
}
