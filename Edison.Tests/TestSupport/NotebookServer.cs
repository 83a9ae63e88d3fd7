namespace Edison.Tests.TestSupport;

/// <summary>The tests' own MCP server (Edison.Tests.McpServer), built with them and started by Edison over stdio.</summary>
public static class NotebookServer
{
    /// <summary>Its program, beside the tests' own in the same configuration.</summary>
    public static string Program { get; } = Path.GetFullPath(Path.Combine(
        AppContext.BaseDirectory.Replace($"{Path.DirectorySeparatorChar}Edison.Tests{Path.DirectorySeparatorChar}", $"{Path.DirectorySeparatorChar}Edison.Tests.McpServer{Path.DirectorySeparatorChar}", StringComparison.Ordinal),
        "Edison.Tests.McpServer.dll"));

    /// <summary>The settings of a notebook server named <paramref name="name"/>, started with <paramref name="arguments"/> after its program.</summary>
    public static Dictionary<string, string?> Settings(string name, string approval, params string[] arguments)
    {
        var settings = new Dictionary<string, string?>
        {
            [$"Edison:Tools:Mcp:Servers:{name}:Command"] = "dotnet",
            [$"Edison:Tools:Mcp:Servers:{name}:Arguments:0"] = Program,
            [$"Edison:Tools:Mcp:Servers:{name}:Approval"] = approval,
        };
        for (int i = 0; i < arguments.Length; i++)
        {
            settings[$"Edison:Tools:Mcp:Servers:{name}:Arguments:{i + 1}"] = arguments[i];
        }

        return settings;
    }

    /// <summary>
    /// The notebook served over Streamable HTTP on a loopback port, answering only requests that carry
    /// <c>X-Key: <paramref name="key"/></c>; dispose it to stop it.
    /// </summary>
    public static async Task<HttpNotebook> StartHttpAsync(string key)
    {
        var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("dotnet", [Program, "--http", key])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return line is { } listening && listening.StartsWith("listening ", StringComparison.Ordinal)
            ? new HttpNotebook(process, listening["listening ".Length..])
            : throw new InvalidOperationException($"The notebook server did not start: {line} {await process.StandardError.ReadToEndAsync()}");
    }

    public sealed class HttpNotebook(System.Diagnostics.Process process, string url) : IDisposable
    {
        public string Url { get; } = url;

        public void Dispose()
        {
            process.Kill(entireProcessTree: true);
            process.Dispose();
        }
    }
}
