namespace Edison.Web.Access;

/// <summary>
/// Headers on every response that keep the page inert whatever reaches it: a Content-Security-Policy that runs
/// only Edison's own scripts (no inline or remote script, no plug-ins), fetches only from Edison itself (images also
/// as data URLs, for attachments), connects only to Edison (the Blazor circuit), lets no other site frame it, and
/// tells no other site which page linked to it.
/// Inline styles stay allowed: Blazor and MudBlazor set style attributes and theme variables at run time, and
/// rendered answers carry no styles but table alignment.
/// </summary>
public sealed class SecurityHeaders(RequestDelegate next)
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; " +
        "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    public Task InvokeAsync(HttpContext context)
    {
        // On starting, so that error responses (which clear the headers set so far) carry them too.
        context.Response.OnStarting(static state =>
        {
            var headers = ((HttpResponse)state).Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            // Not no-referrer: under it Chromium sends "Origin: null" with the page's own form posts (sign-in).
            headers["Referrer-Policy"] = "same-origin";
            return Task.CompletedTask;
        }, context.Response);
        return next(context);
    }
}
