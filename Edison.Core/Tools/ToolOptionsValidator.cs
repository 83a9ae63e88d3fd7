using Microsoft.Extensions.Options;

namespace Edison.Core.Tools;

/// <summary>
/// Checks what <c>Edison:Tools</c> holds below its own level at start (data annotations stop at the first level): the
/// fetch limits, the MCP retry delay, and that each MCP server is a program or an address, with an approval Edison knows.
/// </summary>
public sealed class ToolOptionsValidator : IValidateOptions<ToolOptions>
{
    public ValidateOptionsResult Validate(string? name, ToolOptions options)
    {
        var fetch = options.Fetch;
        var failures = new List<string>();
        if (fetch.MaxBytes is < 1_024 or > 100_000_000)
        {
            failures.Add("Edison:Tools:Fetch:MaxBytes must be between 1024 and 100000000.");
        }

        if (fetch.Timeout < TimeSpan.FromSeconds(1) || fetch.Timeout > TimeSpan.FromMinutes(5))
        {
            failures.Add("Edison:Tools:Fetch:Timeout must be between 00:00:01 and 00:05:00.");
        }

        if (fetch.MaxRedirects is < 0 or > 20)
        {
            failures.Add("Edison:Tools:Fetch:MaxRedirects must be between 0 and 20.");
        }

        if (options.Mcp.RetryAfter < TimeSpan.FromSeconds(1) || options.Mcp.RetryAfter > TimeSpan.FromHours(1))
        {
            failures.Add("Edison:Tools:Mcp:RetryAfter must be between 00:00:01 and 01:00:00.");
        }

        foreach (var (server, settings) in options.Mcp.Servers)
        {
            var at = $"Edison:Tools:Mcp:Servers:{server}";
            if (string.IsNullOrWhiteSpace(settings.Command) == string.IsNullOrWhiteSpace(settings.Url))
            {
                failures.Add($"{at} needs either Command (a program spoken to over stdio) or Url (a Streamable HTTP server), not both or neither.");
            }
            else if (!string.IsNullOrWhiteSpace(settings.Url)
                     && !(Uri.TryCreate(settings.Url, UriKind.Absolute, out var url) && url.Scheme is "http" or "https"))
            {
                failures.Add($"{at}:Url must be an absolute http(s) URL.");
            }

            if (settings.Approval is not (McpApproval.Always or McpApproval.Never))
            {
                failures.Add($"{at}:Approval must be \"{McpApproval.Always}\" or \"{McpApproval.Never}\".");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
