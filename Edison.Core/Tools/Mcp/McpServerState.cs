namespace Edison.Core.Tools.Mcp;

/// <summary>How one configured MCP server stands, for <c>/health</c> and the page.</summary>
/// <param name="State"><c>starting</c>, <c>ready</c> or <c>failed</c>.</param>
/// <param name="Tools">The names of the tools it offers, once ready.</param>
/// <param name="Error">Why it failed to start, or stopped.</param>
public sealed record McpServerState(string Name, string State, IReadOnlyList<string> Tools, string? Error = null)
{
    public const string Starting = "starting";
    public const string Ready = "ready";
    public const string Failed = "failed";
}
