using Edison.Core;
using Edison.Core.Inference.Models;
using Edison.Core.ModelFiles;
using Edison.Tests.TestSupport;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Edison.Tests.Core.Inference;

/// <summary>A bad model path is never a silent fallback: Edison stops with one line naming the file and the problem.</summary>
public sealed class ModelHostTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("edison-bad-models-");

    [Fact]
    public async Task A_truncated_model_fails_with_the_file_named_and_asks_the_application_to_stop()
    {
        var path = await WriteTruncatedModelAsync();
        var lifetime = new StartedLifetime();
        using var host = CreateHost(path, lifetime);

        host.StartLoading(CancellationToken.None);
        var failure = await Assert.ThrowsAsync<ModelFileException>(() => host.WhenReadyAsync(CancellationToken.None));

        Assert.Equal(ModelState.Failed, host.State);
        Assert.StartsWith($"Edison:Model:Path \"{path}\": llama.cpp could not load it", failure.Message);
        Assert.DoesNotContain('\n', failure.Message);
        Assert.True(lifetime.StopRequested);
    }

    [Fact]
    public async Task A_valid_model_becomes_ready_and_is_named_after_its_file()
    {
        using var host = CreateHost(TestModels.Story, new StartedLifetime());

        host.StartLoading(CancellationToken.None);
        var model = await host.WhenReadyAsync(CancellationToken.None);

        Assert.Equal(ModelState.Ready, host.State);
        Assert.Equal("story", model.Name);
        Assert.False(model.IsDemo);
    }

    [Fact]
    public async Task Without_a_configured_thread_count_the_model_generates_on_every_physical_core()
    {
        using var host = CreateHost(TestModels.Story, new StartedLifetime());

        host.StartLoading(CancellationToken.None);
        var model = await host.WhenReadyAsync(CancellationToken.None);

        // Counted here from another source than Edison's (/proc/cpuinfo, not the topology folders).
        int cores = CoresFromCpuInfo() is > 0 and var counted ? Math.Min(counted, Environment.ProcessorCount) : Math.Max(1, Environment.ProcessorCount / 2);
        Assert.Equal(cores, model.Parameters.Threads);
        Assert.Equal(cores, model.Parameters.BatchThreads);
    }

    /// <summary>Distinct (physical id, core id) pairs of /proc/cpuinfo; 0 where it does not say.</summary>
    private static int CoresFromCpuInfo()
    {
        if (!File.Exists("/proc/cpuinfo"))
        {
            return 0;
        }

        var cores = new HashSet<(string, string)>();
        string package = "0";
        foreach (var line in File.ReadLines("/proc/cpuinfo"))
        {
            var (key, value) = line.Split(':', 2) is [var k, var v] ? (k.Trim(), v.Trim()) : (string.Empty, string.Empty);
            if (key == "physical id")
            {
                package = value;
            }
            else if (key == "core id")
            {
                cores.Add((package, value));
            }
        }

        return cores.Count;
    }

    [Fact]
    public async Task Prompts_are_read_on_the_batch_threads_when_they_are_set_apart_from_generation()
    {
        using var host = CreateHost(TestModels.Story, new StartedLifetime(), threads: 2, batchThreads: 1);

        host.StartLoading(CancellationToken.None);
        var model = await host.WhenReadyAsync(CancellationToken.None);

        Assert.Equal(2, model.Parameters.Threads);
        Assert.Equal(1, model.Parameters.BatchThreads);
    }

    [Theory]
    [InlineData("missing", "file not found")]
    [InlineData("text model", "llama.cpp could not load it as a multimodal projector for this model")]
    public async Task A_bad_multimodal_projector_fails_with_its_setting_and_file_named(string kind, string problem)
    {
        var projector = kind == "missing" ? Path.Combine(_folder.FullName, "mmproj.gguf") : TestModels.Story;
        var lifetime = new StartedLifetime();
        using var host = CreateHost(TestModels.Story, lifetime, projector);

        host.StartLoading(CancellationToken.None);
        var failure = await Assert.ThrowsAsync<ModelFileException>(() => host.WhenReadyAsync(CancellationToken.None));

        Assert.Equal(ModelState.Failed, host.State);
        Assert.StartsWith($"Edison:Model:MultimodalProjectorPath \"{projector}\": {problem}", failure.Message);
        Assert.True(lifetime.StopRequested);
    }

    [Fact]
    public async Task A_model_without_a_projector_cannot_see_images()
    {
        using var host = CreateHost(TestModels.Story, new StartedLifetime());

        host.StartLoading(CancellationToken.None);

        Assert.False((await host.WhenReadyAsync(CancellationToken.None)).CanSeeImages);
    }

    [Theory]
    [InlineData("missing", "file not found")]
    [InlineData("truncated", "llama.cpp could not load it")]
    public async Task Running_Edison_with_a_bad_model_exits_with_code_1_and_a_line_naming_file_and_problem(string kind, string problem)
    {
        var path = kind == "missing" ? Path.Combine(_folder.FullName, "missing.gguf") : await WriteTruncatedModelAsync();
        var (exit, output) = await EdisonProcess.RunAsync(
            ["--urls", "http://127.0.0.1:0"],
            new Dictionary<string, string> { ["Edison__Model__Path"] = path, ["Edison__DataPath"] = _folder.FullName });

        Assert.Equal(1, exit);
        Assert.Contains($"Edison:Model:Path \"{path}\": {problem}", output);
    }

    public void Dispose() => _folder.Delete(recursive: true);

    private async Task<string> WriteTruncatedModelAsync()
    {
        var path = Path.Combine(_folder.FullName, "truncated.gguf");
        var whole = await File.ReadAllBytesAsync(TestModels.Story);
        await File.WriteAllBytesAsync(path, whole[..(whole.Length / 2)]);
        return path;
    }

    private ModelHost CreateHost(string path, IHostApplicationLifetime lifetime, string? projector = null, int threads = 0, int batchThreads = 0)
    {
        var model = Options.Create(new ModelOptions { Path = path, ContextSize = 256, MultimodalProjectorPath = projector, Threads = threads, BatchThreads = batchThreads });
        var edison = Options.Create(new EdisonOptions { DataPath = _folder.FullName });
        return new ModelHost(
            model,
            edison,
            new ModelSelection(edison),
            new ModelLoader(model, new NativeLog(NullLoggerFactory.Instance), TimeProvider.System, NullLogger<ModelLoader>.Instance),
            lifetime,
            NullLogger<ModelHost>.Instance);
    }
}
