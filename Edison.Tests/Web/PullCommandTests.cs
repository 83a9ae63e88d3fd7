using System.Net.Http.Json;
using System.Text.Json;
using Edison.Tests.TestSupport;

namespace Edison.Tests.Web;

/// <summary><c>Edison.Web pull &lt;repo&gt; &lt;file&gt;</c> as a user runs it: progress, resume, then Edison starts on the model.</summary>
public sealed class PullCommandTests : IAsyncLifetime
{
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("edison-pull-");
    private FakeHub _hub = null!;

    public async Task InitializeAsync() => _hub = await FakeHub.StartAsync(await File.ReadAllBytesAsync(TestModels.Story));

    public async Task DisposeAsync()
    {
        await _hub.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _data.Delete(recursive: true);
    }

    [Fact]
    public async Task Pull_shows_progress_resumes_after_an_interruption_and_the_next_start_serves_the_model()
    {
        _hub.DropFirstDownloadAfter = _hub.Content.Length / 3;

        var (firstExit, firstOutput) = await PullAsync("edison-tests/story-GGUF", "story.gguf");
        var (secondExit, secondOutput) = await PullAsync("edison-tests/story-GGUF", "story.gguf");

        Assert.Equal(1, firstExit);
        Assert.Contains("run it again to resume", firstOutput);
        Assert.Equal(0, secondExit);
        Assert.Matches(@"\[#{30}\] 100% 0\.\d MB of 0\.\d MB, [\d.]+ MB/s", secondOutput);
        Assert.Contains("Done: ", secondOutput);
        Assert.StartsWith("bytes=", _hub.Ranges.Last());
        Assert.Equal(_hub.Content, await File.ReadAllBytesAsync(Path.Combine(_data.FullName, "models", "story.gguf")));

        await using var edison = new EdisonFactory(modelPath: null, dataPath: _data.FullName);
        var health = await (await edison.CreateReadyClientAsync()).GetFromJsonAsync<JsonElement>("/health");
        Assert.Equal("story", health.GetProperty("model").GetString());
        Assert.False(health.GetProperty("demo").GetBoolean());
    }

    [Fact]
    public async Task Pull_without_arguments_lists_the_recommended_models()
    {
        var (exit, output) = await PullAsync();

        Assert.Equal(2, exit);
        Assert.Contains("usage: dotnet run --project Edison.Web -- pull <hf-repo> <file.gguf>", output);
        Assert.Contains("ggml-org/Qwen3-1.7B-GGUF Qwen3-1.7B-Q4_K_M.gguf", output);
    }

    [Theory]
    [InlineData("only a repository", "pull needs the file to download as well as the repository \"ggml-org/Qwen3-1.7B-GGUF\"", "ggml-org/Qwen3-1.7B-GGUF")]
    [InlineData("an extra argument", "these are extra: please", "ggml-org/Qwen3-1.7B-GGUF", "model.gguf", "please")]
    public async Task Pull_with_missing_or_extra_arguments_says_what_is_wrong(string what, string expected, params string[] arguments)
    {
        var (exit, output) = await PullAsync(arguments);

        Assert.True(exit == 2, what);
        Assert.Contains(expected, output);
        Assert.Contains("usage: dotnet run --project Edison.Web -- pull <hf-repo> <file.gguf>", output);
    }

    [Fact]
    public async Task A_hub_that_cannot_be_reached_is_said_so_not_called_an_interruption()
    {
        var (exit, output) = await EdisonProcess.RunAsync(
            ["pull", "edison-tests/story-GGUF", "story.gguf"],
            new Dictionary<string, string> { ["Edison__DataPath"] = _data.FullName, ["Edison__Downloads__HubUrl"] = "http://127.0.0.1:1" });

        Assert.Equal(1, exit);
        Assert.Contains("Edison could not reach 127.0.0.1", output);
        Assert.DoesNotContain("interrupted", output);
    }

    private Task<(int Exit, string Output)> PullAsync(params string[] arguments) =>
        EdisonProcess.RunAsync(
            ["pull", .. arguments],
            new Dictionary<string, string> { ["Edison__DataPath"] = _data.FullName, ["Edison__Downloads__HubUrl"] = _hub.Url });
}
