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
}
