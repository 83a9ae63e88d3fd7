using Edison.Core.Tools.Mcp;
using Microsoft.Extensions.DependencyInjection;

namespace Edison.Tests.TestSupport;

/// <summary>
/// An Edison whose answers a <see cref="FakeToolModel"/> writes, as a remote engine would (a model that calls tools and
/// answers from their results), with its MCP servers started; the settings the test gives come on top.
/// </summary>
public sealed class ToolUsingEdison : IAsyncDisposable
{
    private ToolUsingEdison(FakeToolModel model, EdisonFactory edison, HttpClient client) => (Model, Factory, Client) = (model, edison, client);

    public FakeToolModel Model { get; }

    public EdisonFactory Factory { get; }

    public HttpClient Client { get; }

    /// <param name="onSocket">For a browser: Edison on a real socket rather than in memory.</param>
    public static async Task<ToolUsingEdison> StartAsync(IEnumerable<KeyValuePair<string, string?>>? settings = null, bool onSocket = false)
    {
        var model = await FakeToolModel.StartAsync();
        var all = new Dictionary<string, string?>
        {
            ["Edison:Engine:Model"] = "tool-user",
            ["Edison:Engine:ContextSize"] = "8192",
            ["Edison:Memory:Enabled"] = "false",
        };
        foreach (var (key, value) in settings ?? [])
        {
            all[key] = value;
        }

        var edison = EdisonFactory.InFrontOf($"{model.Url}/v1", all);
        var client = onSocket ? await edison.StartOnSocketAsync() : await edison.CreateReadyClientAsync();
        await edison.Services.GetRequiredService<McpServers>().WhenStartedAsync();
        return new ToolUsingEdison(model, edison, client);
    }

    public async ValueTask DisposeAsync()
    {
        await Factory.DisposeAsync();
        await Model.DisposeAsync();
    }
}
