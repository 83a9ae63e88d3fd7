namespace Edison.Web.Access;

/// <summary>
/// Without API keys Edison trusts whoever reaches it on loopback, so it must also know they meant to: it answers only
/// requests whose Host is a loopback name or one listed in <c>AllowedHosts</c> (semicolon-separated, <c>*.lan</c>
/// wildcards; <c>*</c> alone does not count here). A page on another site that rebinds its own name to 127.0.0.1
/// reaches Edison under that name and gets a 400. With keys, ASP.NET Core's own host filtering applies as configured.
/// </summary>
public sealed class HostAllowList(RequestDelegate next, ApiKeyRing keys, IConfiguration configuration)
{
    private readonly string[] _configured = (configuration["AllowedHosts"] ?? string.Empty)
        .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Where(host => host != "*")
        .ToArray();

    public Task InvokeAsync(HttpContext context)
    {
        if (keys.Enabled || IsAllowed(context.Request.Host.Host))
        {
            return next(context);
        }

        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        return context.Response.WriteAsJsonAsync(
            new Endpoints.ErrorResponse(false, "Edison answers only under the host names it serves (localhost, or those in AllowedHosts)."),
            EdisonJson.Options);
    }

    private bool IsAllowed(string host) =>
        LoopbackHosts.IsLoopback(host) || _configured.Any(allowed => Matches(allowed, host));

    private static bool Matches(string allowed, string host) =>
        allowed.StartsWith("*.", StringComparison.Ordinal)
            ? host.EndsWith(allowed[1..], StringComparison.OrdinalIgnoreCase) && host.Length > allowed.Length - 1
            : host.Equals(allowed, StringComparison.OrdinalIgnoreCase);
}
