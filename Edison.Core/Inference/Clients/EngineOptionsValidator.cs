using Microsoft.Extensions.Options;

namespace Edison.Core.Inference.Clients;

/// <summary>Checks <c>Edison:Engine</c> at start: a known kind, and a remote engine with its server's address.</summary>
public sealed class EngineOptionsValidator : IValidateOptions<EngineOptions>
{
    public ValidateOptionsResult Validate(string? name, EngineOptions options) =>
        !string.Equals(options.Kind, EngineOptions.Local, StringComparison.OrdinalIgnoreCase) && !options.IsRemote
            ? ValidateOptionsResult.Fail($"Edison:Engine:Kind must be \"{EngineOptions.Local}\" or \"{EngineOptions.OpenAI}\".")
        : options.IsRemote && !(Uri.TryCreate(options.Endpoint, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
            ? ValidateOptionsResult.Fail(
                "Edison:Engine:Endpoint must be the server's OpenAI base URL (http(s)://host:port/v1) when Edison:Engine:Kind is OpenAI.")
        : ValidateOptionsResult.Success;
}
