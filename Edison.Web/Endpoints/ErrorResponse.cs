using Edison.Web.OpenAi;

namespace Edison.Web.Endpoints;

/// <summary>The body of every error Edison's HTTP API returns: <c>{"ok":false,"error":"..."}</c>.</summary>
public sealed record ErrorResponse(bool Ok, string Error)
{
    public static IResult Result(string error, int statusCode) =>
        TypedResults.Json(new ErrorResponse(false, error), EdisonJson.Options, statusCode: statusCode);

    /// <summary>
    /// An error in the shape of the endpoint family asked: OpenAI's error object under <c>/v1</c>, Edison's own
    /// elsewhere. For what answers before an endpoint runs (keys, rate limit).
    /// </summary>
    /// <param name="openAiCode">OpenAI's machine-readable code, such as <c>invalid_api_key</c>.</param>
    public static IResult For(HttpContext context, string error, int statusCode, string? openAiCode = null) =>
        context.Request.Path.StartsWithSegments("/v1")
            ? OpenAiEndpoints.Error(error, statusCode, openAiCode)
            : Result(error, statusCode);
}
