using Bunit;
using Edison.Core.Inference.Models;
using Edison.Core.ModelFiles;
using Edison.Tests.TestSupport;
using Edison.Web.Components.Chat;
using Microsoft.Extensions.DependencyInjection;

namespace Edison.Tests.Web.Components;

/// <summary>On the demo model the page offers real models; a download shows its progress and Edison switches to it.</summary>
public sealed class ModelDownloadPageTests : ChatPageContext
{
    private readonly FakeHub _hub;

    public ModelDownloadPageTests()
        : base(modelPath: string.Empty)
    {
        _hub = FakeHub.StartAsync(File.ReadAllBytes(TestModels.Story)).GetAwaiter().GetResult();
        _hub.DelayPerChunk = TimeSpan.FromMilliseconds(15);
        Services.Configure<DownloadOptions>(o => o.HubUrl = _hub.Url);
    }

    [Fact]
    public async Task Downloading_a_recommended_model_shows_progress_then_Edison_answers_with_it()
    {
        var dialogs = Render<MudBlazor.MudDialogProvider>();
        var page = Render<Chat>();
        var models = Services.GetRequiredService<ModelHost>();
        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=get-model]")));
        Assert.True(models.Model!.IsDemo);

        await page.Find("[data-testid=get-model]").ClickAsync(new());
        dialogs.WaitForAssertion(() => Assert.Equal(RecommendedModel.All.Count, dialogs.FindAll("[data-testid=recommended-model]").Count));
        Assert.Contains("Gemma Terms of Use", dialogs.Find("[data-testid=recommended-model]").TextContent);
        await dialogs.FindAll("[data-testid=download]")[0].ClickAsync(new());

        page.WaitForAssertion(() => Assert.Matches(@"\d+% · [\d.]+ MB of [\d.]+ MB · [\d.]+ MB/s", page.Find("[data-testid=download-progress]").TextContent), TimeSpan.FromSeconds(30));
        page.WaitForAssertion(() => Assert.Equal("gemma-3-1b-it-Q4_K_M", models.Model!.Name), TimeSpan.FromSeconds(20));
        page.WaitForAssertion(() => Assert.Empty(page.FindAll("[data-testid=get-model]")));
        page.WaitForAssertion(() => Assert.Empty(page.FindAll("[data-testid=download-banner]")));
        Assert.False(models.Model!.IsDemo);
        Assert.Equal(
            Path.Combine(Services.GetRequiredService<ModelDownloader>().Folder, "gemma-3-1b-it-Q4_K_M.gguf"),
            Services.GetRequiredService<ModelSelection>().SelectedPath);

        // The next message is answered by the downloaded model.
        page.WaitForAssertion(() => Assert.False(page.Find("[data-testid=chat-input]").HasAttribute("disabled")));
        await page.Find("[data-testid=chat-input]").InputAsync(new Microsoft.AspNetCore.Components.ChangeEventArgs { Value = "hello" });
        _ = page.Find("[data-testid=send]").ClickAsync(new());
        await Eventually.WaitUntilAsync(() => Engine.Requests.Count == 1);
        Engine.Write("Hello from the new model.");
        Engine.EndAnswer();
        page.WaitForAssertion(() => Assert.Equal("completed", page.FindAll("[data-testid=message][data-role=assistant]")[^1].GetAttribute("data-state")));
        Assert.Equal("gemma-3-1b-it-Q4_K_M", Engine.Requests[0].Lease!.Model.Name);
        Assert.Contains("Hello from the new model.", page.FindAll("[data-testid=message][data-role=assistant]")[^1].TextContent);
    }

    [Fact]
    public async Task A_download_that_fails_says_why_and_can_be_tried_again()
    {
        var good = _hub.Sha256;
        _hub.Sha256 = new string('a', 64);
        var page = await DownloadAsync(1);

        page.WaitForAssertion(() => Assert.Contains("SHA-256", page.Find("[data-testid=download-error]").TextContent), TimeSpan.FromSeconds(20));
        _hub.Sha256 = good;
        await page.Find("[data-testid=download-retry]").ClickAsync(new());

        page.WaitForAssertion(() => Assert.Equal("DeepSeek-R1-Distill-Qwen-1.5B-Q4_K_M", Services.GetRequiredService<ModelHost>().Model!.Name), TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task A_failed_download_can_be_dismissed()
    {
        _hub.Sha256 = new string('a', 64);
        var page = await DownloadAsync(0);
        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=download-error]")), TimeSpan.FromSeconds(20));

        await page.Find("[data-testid=download-dismiss]").ClickAsync(new());

        page.WaitForAssertion(() => Assert.Empty(page.FindAll("[data-testid=download-banner]")));
        Assert.NotNull(page.Find("[data-testid=get-model]"));
    }

    protected override async Task CleanUpAsync() => await _hub.DisposeAsync();

    /// <summary>Opens the page, asks for a real model and starts downloading the recommended one at this place.</summary>
    private async Task<IRenderedComponent<Chat>> DownloadAsync(int recommended)
    {
        var dialogs = Render<MudBlazor.MudDialogProvider>();
        var page = Render<Chat>();
        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=get-model]")));
        await page.Find("[data-testid=get-model]").ClickAsync(new());
        dialogs.WaitForAssertion(() => Assert.NotEmpty(dialogs.FindAll("[data-testid=download]")));
        await dialogs.FindAll("[data-testid=download]")[recommended].ClickAsync(new());
        return page;
    }
}
