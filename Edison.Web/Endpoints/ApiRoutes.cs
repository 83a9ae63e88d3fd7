using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.AspNetCore.Routing.Template;

namespace Edison.Web.Endpoints;

/// <summary>
/// The methods Edison's API answers at an address, read from its endpoints, so that a wrong method gets a 405 that
/// names the right ones (the page's catch-all route would otherwise claim every GET).
/// </summary>
public sealed class ApiRoutes(EndpointDataSource endpoints)
{
    private readonly Lazy<IReadOnlyList<(TemplateMatcher Matcher, IReadOnlyList<string> Methods)>> _routes = new(() =>
        endpoints.Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is { } raw && Access.AccessMiddleware.IsApi(new PathString("/" + raw.TrimStart('/'))))
            .Select(e => (
                new TemplateMatcher(TemplateParser.Parse(RoutePatternFormatter(e.RoutePattern)), new RouteValueDictionary()),
                (IReadOnlyList<string>)(e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [])))
            .ToList());

    /// <summary>The methods of the API endpoints at this address; empty when the API has nothing there.</summary>
    public IReadOnlyList<string> MethodsAt(PathString path) =>
        _routes.Value
            .Where(route => route.Matcher.TryMatch(path, new RouteValueDictionary()))
            .SelectMany(route => route.Methods)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToList();

    private static string RoutePatternFormatter(RoutePattern pattern) => pattern.RawText!.TrimStart('/');
}
