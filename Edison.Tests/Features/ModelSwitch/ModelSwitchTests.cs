using System.Net.Http.Json;
using System.Text.Json;
using Edison.Core.Inference.Models;
using Edison.Core.ModelFiles;
using Edison.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Edison.Tests.Features.ModelSwitch;

/// <summary>A model switched live is the model that answers, and answers already running finish on the old one.</summary>
public sealed class ModelSwitchTests
{
    [Fact]
    public async Task After_a_download_from_the_hub_the_next_answers_come_from_the_new_model()
    {
        await using var hub = await FakeHub.StartAsync(await File.ReadAllBytesAsync(TestModels.Greeting));
        await using var edison = new EdisonFactory(modelPath: null, settings: new Dictionary<string, string?> { ["Edison:Downloads:HubUrl"] = hub.Url });
        var client = await edison.CreateReadyClientAsync();
        var before = await AnswerAsync(client, "hi");

        var downloads = edison.Services.GetRequiredService<ModelDownloads>();
        Assert.True(downloads.Start("greeting", "edison/greeting", "greeting.gguf"));
        await Eventually.WaitUntilAsync(() => downloads.Current?.Status is DownloadStatus.Done or DownloadStatus.Failed, seconds: 30);

        Assert.Equal(DownloadStatus.Done, downloads.Current!.Status);
        Assert.StartsWith("Hello 👋 I am Edison's built-in demo model", before);
        Assert.Equal(TestModels.GreetingAnswer, await AnswerAsync(client, "hi again"));
        var stream = await client.PostAsync("/chat/stream", Sse.Json(new { message = "and once more" }));
        var tokens = (await Sse.ParseAsync(await stream.Content.ReadAsStreamAsync())).Where(e => e.EventType == "token").Select(Sse.TokenText);
        Assert.Equal(TestModels.GreetingAnswer, string.Concat(tokens));
        Assert.Equal("greeting", (await client.GetFromJsonAsync<JsonElement>("/health")).GetProperty("model").GetString());
    }

    [Fact]
    public async Task An_answer_running_when_the_model_is_switched_finishes_on_the_model_it_started_on()
    {
        await using var edison = new EdisonFactory(TestModels.Endless, contextSize: 4096);
        var client = await edison.CreateReadyClientAsync();
        var host = edison.Services.GetRequiredService<ModelHost>();
        var running = await client.SendAsync(
            new HttpRequestMessage(HttpMethod.Post, "/chat/stream") { Content = Sse.Json(new { message = "go on", max_tokens = 400, remember = false }) },
            HttpCompletionOption.ResponseHeadersRead);
        var reader = new StreamReader(await running.Content.ReadAsStreamAsync());
        Assert.Equal("event: token", await reader.ReadLineAsync());

        await host.SwitchAsync(TestModels.Greeting, CancellationToken.None);
        var afterSwitch = await AnswerAsync(client, "hi");
        var rest = await Sse.ParseAsync(reader.BaseStream);

        Assert.Equal(TestModels.GreetingAnswer, afterSwitch);
        var done = Sse.Data(rest.Single(e => e.EventType == "done"));
        Assert.True(done.GetProperty("ok").GetBoolean());
        Assert.StartsWith("and on and on it went", done.GetProperty("response").GetString());
        Assert.InRange(rest.Count(e => e.EventType == "token"), 300, 400);
    }

    private static async Task<string> AnswerAsync(HttpClient client, string message)
    {
        var response = await client.PostAsync("/chat", Sse.Json(new { message, remember = false }));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("response").GetString()!;
    }
}
