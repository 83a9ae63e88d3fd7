using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Edison.Web.Access;

/// <summary>
/// The sign-in page for browsers that are not on this machine: the API key, once, then a cookie that names the key
/// it was issued for (and dies with it). Beyond this machine only over HTTPS: the key and the cookie must not cross a
/// network in clear text, and the cookie is Secure.
/// </summary>
public static class SignInEndpoints
{
    /// <summary>The claim that carries the fingerprint of the key a sign-in cookie was issued for.</summary>
    public const string KeyClaim = "edison:key";

    private const string NeedsHttps =
        "Signing in from another machine needs HTTPS: put Edison behind a TLS reverse proxy (and name it in " +
        "Edison:Access:KnownProxies) or give Kestrel a certificate.";

    public static IEndpointRouteBuilder MapEdisonSignIn(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(AccessMiddleware.SignInPath, (HttpContext context, string? returnUrl) =>
            Page(returnUrl, IsSecureEnough(context) ? null : NeedsHttps));
        endpoints.MapPost(AccessMiddleware.SignInPath, SignInAsync).DisableAntiforgery();
        return endpoints;
    }

    private static async Task<IResult> SignInAsync(HttpContext context, ApiKeyRing keys, FailedAccessLimiter failures)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var returnUrl = form["returnUrl"].ToString();
        if (!IsSecureEnough(context))
        {
            return Page(returnUrl, NeedsHttps, StatusCodes.Status403Forbidden);
        }

        if (!keys.TryIdentify(form["key"].ToString(), out var fingerprint))
        {
            if (failures.RetryAfter(context) is { } wait)
            {
                context.Response.Headers.RetryAfter = wait;
                return Page(returnUrl, $"Too many wrong keys from this address; try again in {wait} s.", StatusCodes.Status429TooManyRequests);
            }

            failures.Failed(context);
            return Page(returnUrl, "That is not a valid API key for this Edison.", StatusCodes.Status401Unauthorized);
        }

        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, "edison-user"), new Claim(KeyClaim, fingerprint)],
            CookieAuthenticationDefaults.AuthenticationScheme);
        await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity));
        return TypedResults.LocalRedirect(IsLocalUrl(returnUrl) ? returnUrl : "/");
    }

    /// <summary>A cookie may be set over HTTPS, or over plain HTTP only for a browser on this machine.</summary>
    private static bool IsSecureEnough(HttpContext context) => context.Request.IsHttps || LoopbackHosts.IsLocalBrowser(context);

    private static bool IsLocalUrl(string url) =>
        url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal);

    private static string ErrorLine(string? error) =>
        error is null ? string.Empty : $"<p class=\"error\" data-testid=\"signin-error\">{WebUtility.HtmlEncode(error)}</p>";

    private static IResult Page(string? returnUrl, string? error, int status = StatusCodes.Status200OK) =>
        TypedResults.Content(
            $$"""
            <!DOCTYPE html>
            <html lang="en">
            <head><meta charset="utf-8" /><meta name="viewport" content="width=device-width, initial-scale=1" /><title>Sign in to Edison</title>
            <style>body{font-family:system-ui,sans-serif;display:flex;justify-content:center;margin-top:12vh}form{display:flex;flex-direction:column;gap:10px;width:min(90vw,360px)}
            input,button{font-size:1rem;padding:8px}button{background:#594ae2;color:#fff;border:0;border-radius:4px}.error{color:#b00020}</style></head>
            <body><form method="post" action="{{AccessMiddleware.SignInPath}}">
            <h1>Edison</h1><p>This Edison needs its API key.</p>
            {{ErrorLine(error)}}
            <input type="password" name="key" placeholder="API key" autocomplete="current-password" required autofocus data-testid="signin-key" />
            <input type="hidden" name="returnUrl" value="{{WebUtility.HtmlEncode(returnUrl ?? "/")}}" />
            <button type="submit" data-testid="signin-submit">Sign in</button>
            </form></body></html>
            """,
            "text/html; charset=utf-8",
            statusCode: status);
}
