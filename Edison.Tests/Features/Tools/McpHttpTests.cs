using System.Net.Http.Json;
using System.Text.Json;
using Edison.Core.Tools.Mcp;
using Edison.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Edison.Tests.Features.Tools;

/// <summary>A Streamable HTTP MCP server, reached with the headers the settings give it (its key), is called as a stdio one is.</summary>
public sealed class McpHttpTests : IAsyncLifetime
{
    private NotebookServer.HttpNotebook _notebook = null!;
    private ToolUsingEdison _edison = null!;

    public async Task InitializeAsync()
    {
        _notebook = await NotebookServer.StartHttpAsync("secret");
        _edison = await ToolUsingEdison.StartAsync(new Dictionary<string, string?>
        {
            ["Edison:Tools:Mcp:Servers:remote:Url"] = _notebook.Url,
            ["Edison:Tools:Mcp:Servers:remote:Headers:X-Key"] = "secret",
            ["Edison:Tools:Mcp:Servers:remote:Approval"] = "never",
            ["Edison:Tools:Mcp:Servers:wrong-key:Url"] = _notebook.Url,
            ["Edison:Tools:Mcp:Servers:wrong-key:Headers:X-Key"] = "guess",
        });
    }

    public async Task DisposeAsync()
    {
        await _edison.DisposeAsync();
        _notebook.Dispose();
    }

    [Fact]
    public async Task Its_tools_are_called_with_the_configured_headers_and_a_wrong_key_is_reported()
    {
        _edison.Model.Call = ("write_note", """{"text":"over http"}""");

        var done = await (await _edison.Client.PostAsJsonAsync("/chat", new { message = "Note it down.", mode = "agent" })).Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal("Noted (1 notes).", done.GetProperty("tools")[0].GetProperty("result").GetString());
        var servers = _edison.Factory.Services.GetRequiredService<McpServers>().States.ToDictionary(s => s.Name);
        Assert.Equal(McpServerState.Ready, servers["remote"].State);
        Assert.Equal(McpServerState.Failed, servers["wrong-key"].State);
    }
}
