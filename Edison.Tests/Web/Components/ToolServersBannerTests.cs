using Bunit;
using Edison.Core.Tools.Mcp;
using Edison.Tests.TestSupport;
using Edison.Web.Components.Chat;
using Microsoft.Extensions.DependencyInjection;

namespace Edison.Tests.Web.Components;

/// <summary>An MCP server that cannot start is said plainly on the page, and the page works on.</summary>
public sealed class ToolServersBannerTests() : ChatPageContext(settings: NotebookServer.Settings("notes", "never", "--fail"))
{
    [Fact]
    public async Task A_server_that_failed_to_start_is_named_on_the_page_with_why()
    {
        var servers = Services.GetRequiredService<McpServers>();
        var page = Render<Chat>();
        Assert.Empty(page.FindAll("[data-testid=mcp-banner]"));

        await servers.StartAsync(CancellationToken.None);
        await servers.WhenStartedAsync();

        page.WaitForAssertion(() => Assert.Equal("notes", page.Find("[data-testid=mcp-banner]").GetAttribute("data-server")));
        Assert.Contains("could not be started", page.Find("[data-testid=mcp-banner]").TextContent);
        Assert.False(page.Find("[data-testid=chat-input]").HasAttribute("disabled"));
        await servers.StopAsync(CancellationToken.None);
    }
}
