using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Edison.Core.ModelFiles;

/// <summary>
/// Checks <c>Edison:Downloads</c> at start. Its settings were once under <c>Edison:Models</c>: a configuration that
/// still says so would otherwise be ignored without a word, so Edison refuses to start and names the new place.
/// </summary>
public sealed class DownloadOptionsValidator(IConfiguration configuration) : IValidateOptions<DownloadOptions>
{
    private const string FormerSection = "Edison:Models";

    public ValidateOptionsResult Validate(string? name, DownloadOptions options) =>
        configuration.GetSection(FormerSection).GetChildren().Any()
            ? ValidateOptionsResult.Fail($"{FormerSection} is now {DownloadOptions.Section}: move its settings (Folder, HubUrl) there.")
        : !Uri.TryCreate(options.HubUrl, UriKind.Absolute, out var hub) || hub.Scheme is not ("http" or "https")
            ? ValidateOptionsResult.Fail($"{DownloadOptions.Section}:HubUrl must be an absolute http(s) URL.")
        : ValidateOptionsResult.Success;
}
