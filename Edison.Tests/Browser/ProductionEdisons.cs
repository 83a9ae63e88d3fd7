using Edison.Tests.TestSupport;

namespace Edison.Tests.Browser;

/// <summary>
/// Edison.Web as a user starts it for real: its own process, <c>ASPNETCORE_ENVIRONMENT=Production</c>, no launch
/// profile. One on a model that writes until its token limit (to reload, stop and watch answers mid-way), one on the
/// built-in demo model with a loopback hub that serves a real model to download.
/// </summary>
public sealed class ProductionEdisons : IAsyncLifetime
{
    private readonly List<string> _dataFolders = [];

    public EdisonServerProcess Writing { get; private set; } = null!;

    public EdisonServerProcess Demo { get; private set; } = null!;

    public FakeHub Hub { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (BrowserFixture.MissingBrowserReason is not null)
        {
            return;
        }

        Hub = await FakeHub.StartAsync(await File.ReadAllBytesAsync(TestModels.Greeting));
        Writing = await StartAsync(new Dictionary<string, string>
        {
            ["Edison__Model__Path"] = TestModels.Endless,
            ["Edison__Model__ContextSize"] = "32768",
        });
        Demo = await StartAsync(new Dictionary<string, string> { ["Edison__Downloads__HubUrl"] = Hub.Url });
    }

    public async Task DisposeAsync()
    {
        if (BrowserFixture.MissingBrowserReason is not null)
        {
            return;
        }

        await Writing.DisposeAsync();
        await Demo.DisposeAsync();
        await Hub.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var folder in _dataFolders)
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private async Task<EdisonServerProcess> StartAsync(Dictionary<string, string> settings)
    {
        var data = Directory.CreateTempSubdirectory("edison-test-data-").FullName;
        _dataFolders.Add(data);
        settings["ASPNETCORE_ENVIRONMENT"] = "Production";
        settings["Edison__DataPath"] = data;
        settings["Edison__Model__Threads"] = "1";
        return await EdisonServerProcess.StartAsync(settings);
    }
}
