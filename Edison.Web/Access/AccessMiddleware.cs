using System.Net;
using Edison.Web.Endpoints;

namespace Edison.Web.Access;

/// <summary>
/// With API keys in force: <c>/chat</c>, <c>/v1</c> and <c>/api</c> need <c>Authorization: Bearer &lt;key&gt;</c>
/// (401 otherwise, in the endpoint family's error shape); the page and its Blazor connection are open to loopback
/// and ask everyone else to sign in with a key. Health, metrics, static files and CORS preflights stay open.
/// </summary>
public sealed class AccessMiddleware(RequestDelegate next, ApiKeyRing keys)
{
    public const string ClientItem = "edison.client";
    public const string SignInPath = "/signin";

    public async Task InvokeAsync(HttpContext context)
    {
        if (!keys.Enabled || HttpMethods.IsOptions(context.Request.Method))
        {
            await next(context);
            return;
        }

        var path = context.Request.Path;
        if (IsApi(path))
        {
            if (!keys.TryIdentify(BearerKey(context.Request), out var fingerprint))
            {
                await RejectAsync(context);
                return;
            }

            context.Items[ClientItem] = fingerprint;
        }
        else if (IsPage(path) && !IsLocal(context) && context.User.Identity?.IsAuthenticated != true)
        {
            if (path.StartsWithSegments("/_blazor"))
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                return;
            }

            context.Response.Redirect($"{SignInPath}?returnUrl={Uri.EscapeDataString(context.Request.Path + context.Request.QueryString)}");
            return;
        }

        await next(context);
    }

    public static bool IsApi(PathString path) =>
        path.StartsWithSegments("/chat") || path.StartsWithSegments("/v1") || path.StartsWithSegments("/api");

    private static bool IsPage(PathString path) =>
        path == "/" || path.StartsWithSegments("/c") || path.StartsWithSegments("/_blazor");

    /// <summary>Behind a reverse proxy on the same machine set ASPNETCORE_FORWARDEDHEADERS_ENABLED=true, or every visitor looks local.</summary>
    private static bool IsLocal(HttpContext context) =>
        context.Connection.RemoteIpAddress is not { } remote || IPAddress.IsLoopback(remote);

    private static string? BearerKey(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : null;
    }

    private static Task RejectAsync(HttpContext context)
    {
        const string message = "A valid API key is required: send \"Authorization: Bearer <key>\".";
        context.Response.Headers.WWWAuthenticate = "Bearer";
        return ErrorResponse.For(context, message, StatusCodes.Status401Unauthorized, "invalid_api_key").ExecuteAsync(context);
    }
}
