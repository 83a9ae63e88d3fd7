using System.Net.Http.Json;
using System.Text.Json;
using Edison.Core.Tools;
using Edison.Core.Tools.Mcp;
using Edison.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Edison.Tests.Features.Tools;

/// <summary>
/// MCP servers from the settings, spoken to with the official SDK: a real stdio server's tools are offered with their
/// schemas and called; a server that fails to start, or dies, is reported in /health, never fails Edison, and is
/// started again.
/// </summary>
public sealed class McpToolTests : IAsyncLifetime
{
    private ToolUsingEdison _edison = null!;

    private HttpClient Client => _edison.Client;

    private FakeToolModel Model => _edison.Model;

    public async Task InitializeAsync() => _edison = await ToolUsingEdison.StartAsync(
        NotebookServer.Settings("notes", McpApproval.Never, "--die-after", "2")
            .Concat(NotebookServer.Settings("broken", McpApproval.Never, "--fail"))
            .Append(new("Edison:Tools:Mcp:RetryAfter", "00:00:05")));

    public async Task DisposeAsync() => await _edison.DisposeAsync();

    [Fact]
    public async Task A_stdio_server_s_tool_is_offered_with_its_schema_and_called()
    {
        Model.Call = ("write_note", """{"text":"buy milk"}""");

        var done = await (await Client.PostAsJsonAsync("/chat", new { message = "Note that I must buy milk.", mode = "agent" })).Content.ReadFromJsonAsync<JsonElement>();

        Assert.True(done.GetProperty("ok").GetBoolean(), done.ToString());
        Assert.Equal("Noted (1 notes).", done.GetProperty("tools")[0].GetProperty("result").GetString());
        Assert.Equal("The result is Noted (1 notes)..", done.GetProperty("response").GetString());
        var offered = Model.Requests.First().GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("function")).ToList();
        var writeNote = offered.Single(f => f.GetProperty("name").GetString() == "write_note");
        Assert.Equal("Writes a note into the notebook.", writeNote.GetProperty("description").GetString());
        Assert.Equal("string", writeNote.GetProperty("parameters").GetProperty("properties").GetProperty("text").GetProperty("type").GetString());
        Assert.Contains(offered, f => f.GetProperty("name").GetString() == "read_notes");
    }

    [Fact]
    public async Task A_server_that_fails_to_start_is_reported_and_Edison_goes_on()
    {
        var health = await Client.GetFromJsonAsync<JsonElement>("/health");

        var servers = health.GetProperty("mcp").EnumerateArray().ToDictionary(s => s.GetProperty("name").GetString()!);
        Assert.Equal("failed", servers["broken"].GetProperty("state").GetString());
        Assert.False(servers["broken"].TryGetProperty("error", out _), "why it failed may quote the server's log: not for /health");
        Assert.Contains("could not be started", _edison.Factory.Services.GetRequiredService<McpServers>().States.Single(s => s.Name == "broken").Error);
        Assert.Equal("ready", servers["notes"].GetProperty("state").GetString());
        Assert.Equal(["write_note", "read_notes"], servers["notes"].GetProperty("tools").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal("ready", health.GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_server_that_dies_is_reported_its_tools_not_offered_until_it_is_started_again()
    {
        Model.Call = ("read_notes", "{}");
        var servers = _edison.Factory.Services.GetRequiredService<McpServers>();

        // The server stops on its third call: the call fails, the answer goes on, and the server is marked failed.
        for (int i = 0; i < 3; i++)
        {
            var done = await (await Client.PostAsJsonAsync("/chat", new { message = "Read my notes.", mode = "agent" })).Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(done.GetProperty("ok").GetBoolean(), done.ToString());
        }

        await Eventually.WaitUntilAsync(() => servers.States.Single(s => s.Name == "notes").State == McpServerState.Failed);
        var health = await Client.GetFromJsonAsync<JsonElement>("/health");
        Assert.Contains(health.GetProperty("mcp").EnumerateArray(), s => s.GetProperty("name").GetString() == "notes" && s.GetProperty("state").GetString() == "failed");
        Assert.Contains("stopped", servers.States.Single(s => s.Name == "notes").Error);

        await Client.PostAsJsonAsync("/chat", new { message = "Read my notes again.", mode = "agent" });
        Assert.DoesNotContain("read_notes", FakeToolModel.ToolsOf(Model.Requests.Last()));

        await Eventually.WaitUntilAsync(() => servers.States.Single(s => s.Name == "notes").State == McpServerState.Ready);
        await Client.PostAsJsonAsync("/chat", new { message = "And now?", mode = "agent" });
        Assert.Contains("read_notes", FakeToolModel.ToolsOf(Model.Requests.Last()));
    }
}
