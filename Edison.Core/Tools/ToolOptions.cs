using System.ComponentModel.DataAnnotations;

namespace Edison.Core.Tools;

/// <summary>
/// Edison's own tools (<c>Edison:Tools</c>): which modes may use them, how many rounds of calls one answer may make,
/// and the limits every call is held to.
/// </summary>
public sealed class ToolOptions
{
    public const string Section = "Edison:Tools";

    /// <summary>
    /// The modes whose answers may call Edison's tools (a model whose template has no tool calls never does); the agent
    /// mode when none are set. A list the settings give replaces that default, never adds to it.
    /// </summary>
    public List<string>? Modes { get; set; }

    public IReadOnlyList<string> ModesWithTools => Modes is { Count: > 0 } modes ? modes : ["agent"];

    /// <summary>How many times one answer may call tools and read their results before it must answer.</summary>
    [Range(1, 64)]
    public int MaxRounds { get; set; } = 8;

    /// <summary>How long one call may take; past it the model reads that the call timed out.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The most of a result the model reads, in characters; the rest is cut, and the model told so.</summary>
    [Range(256, 1_000_000)]
    public int MaxResultCharacters { get; set; } = 6_000;

    /// <summary>How long a call that asks first waits for the person; past it the call is denied and the answer goes on.</summary>
    [Range(typeof(TimeSpan), "00:00:05", "1.00:00:00")]
    public TimeSpan ApprovalTimeout { get; set; } = TimeSpan.FromMinutes(10);

    public FetchOptions Fetch { get; set; } = new();

    public McpOptions Mcp { get; set; } = new();
}

/// <summary>MCP servers whose tools answers may call (<c>Edison:Tools:Mcp</c>).</summary>
public sealed class McpOptions
{
    /// <summary>By name: a stdio server (<c>Command</c>, <c>Arguments</c>) or a Streamable HTTP one (<c>Url</c>, <c>Headers</c>).</summary>
    public Dictionary<string, McpServerOptions> Servers { get; set; } = [];

    /// <summary>How long after a server fails to start, or stops, it is started again; twice as long after each failure, at most ten minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>One MCP server (<c>Edison:Tools:Mcp:Servers:{name}</c>).</summary>
public sealed class McpServerOptions
{
    /// <summary>The program to start, for a server spoken to over its standard input and output.</summary>
    public string? Command { get; set; }

    public List<string> Arguments { get; set; } = [];

    /// <summary>The server's address, for a Streamable HTTP server.</summary>
    public string? Url { get; set; }

    /// <summary>Headers sent with every request to an HTTP server, such as its key.</summary>
    public Dictionary<string, string> Headers { get; set; } = [];

    /// <summary>
    /// <c>always</c> (the default): the person approves each call before it runs, as an MCP tool may change things.
    /// <c>never</c>: calls run at once, for a server whose tools only read.
    /// </summary>
    public string Approval { get; set; } = McpApproval.Always;
}

public static class McpApproval
{
    public const string Always = "always";
    public const string Never = "never";
}

/// <summary>The <c>fetch_url</c> tool's limits (<c>Edison:Tools:Fetch</c>).</summary>
public sealed class FetchOptions
{
    /// <summary>The most a page may weigh, in bytes, before it is refused.</summary>
    [Range(1_024, 100_000_000)]
    public int MaxBytes { get; set; } = 2_000_000;

    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Redirects followed, each checked as the first address was.</summary>
    [Range(0, 20)]
    public int MaxRedirects { get; set; } = 5;

    /// <summary>
    /// Host names (or addresses, as written in a URL) that may be fetched although they are on a loopback, private or
    /// link-local network, such as a wiki on the local network. Empty by default: the model can reach only the public
    /// internet, never this machine, its network or a cloud's metadata service.
    /// </summary>
    public List<string> AllowedPrivateHosts { get; set; } = [];
}
