namespace Edison.Web.Endpoints;

/// <summary>The body of every error Edison's HTTP API returns: <c>{"ok":false,"error":"..."}</c>.</summary>
public sealed record ErrorResponse(bool Ok, string Error)
{
    public static IResult Result(string error, int statusCode) =>
        TypedResults.Json(new ErrorResponse(false, error), EdisonJson.Options, statusCode: statusCode);
}
