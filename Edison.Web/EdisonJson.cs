using System.Text.Encodings.Web;
using System.Text.Json;

namespace Edison.Web;

/// <summary>The JSON shape of Edison's public HTTP API: snake_case names, and text kept readable on the wire.</summary>
public static class EdisonJson
{
    public static JsonSerializerOptions Options { get; } = Configure(new JsonSerializerOptions());

    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.PropertyNameCaseInsensitive = true;

        // Accented and other non-ASCII text stays readable UTF-8 instead of \u escapes; quotes, control characters and
        // characters outside the Basic Multilingual Plane (emoji) are still escaped, which every JSON parser reads back.
        options.Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
        return options;
    }
}
