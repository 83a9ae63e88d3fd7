using Edison.Web.Endpoints;

namespace Edison.Web.Access;

/// <summary>
/// With API keys in force: <c>/chat</c>, <c>/v1</c> and <c>/api</c> need <c>Authorization: Bearer &lt;key&gt;</c>
/// (401 otherwise, in the endpoint family's error shape; an address that keeps sending wrong keys gets 429 for them,
/// never for the right key); the page
/// and its Blazor connection are open to a browser on this machine and ask everyone else to sign in with a key.
/// Health, metrics, static files and CORS preflights stay open.
/// </summary>
public sealed class AccessMiddleware(RequestDelegate next, ApiKeyRing keys, FailedAccessLimiter failures)
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
            var presented = BearerKey(context.Request);
            if (!keys.TryIdentify(presented, out var fingerprint))
            {
                // Only a wrong key counts: a request with none guesses nothing, and counting it would let anything
                // that shares the owner's address lock the owner out.
                if (presented is not null)
                {
                    if (failures.RetryAfter(context) is { } wait)
                    {
                        await TooManyFailuresAsync(context, wait);
                        return;
                    }

                    failures.Failed(context);
                }

                await RejectAsync(context);
                return;
            }

            context.Items[ClientItem] = fingerprint;
        }
        else if (IsPage(path) && !LoopbackHosts.IsLocalBrowser(context) && context.User.Identity?.IsAuthenticated != true)
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

    /// <summary>Answers an address that has sent too many wrong keys, in the endpoint family's error shape.</summary>
    public static Task TooManyFailuresAsync(HttpContext context, string retryAfter)
    {
        context.Response.Headers.RetryAfter = retryAfter;
        return ErrorResponse.For(context, $"Too many wrong API keys from this address; try again in {retryAfter} s.", StatusCodes.Status429TooManyRequests)
            .ExecuteAsync(context);
    }

    private static bool IsPage(PathString path) =>
        path == "/" || path.StartsWithSegments("/c") || path.StartsWithSegments("/_blazor");

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
