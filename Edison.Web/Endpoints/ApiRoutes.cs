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
            .Select(e => (Endpoint: e, Template: e.RoutePattern.RawText?.TrimStart('/')))
            .Where(route => route.Template is not null && Access.AccessMiddleware.IsApi(new PathString("/" + route.Template)))
            .Select(route => (
                new TemplateMatcher(TemplateParser.Parse(route.Template!), new RouteValueDictionary()),
                (IReadOnlyList<string>)(route.Endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [])))
            .ToList());

    /// <summary>The methods of the API endpoints at this address; empty when the API has nothing there.</summary>
    public IReadOnlyList<string> MethodsAt(PathString path) =>
        _routes.Value
            .Where(route => route.Matcher.TryMatch(path, new RouteValueDictionary()))
            .SelectMany(route => route.Methods)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToList();
}
