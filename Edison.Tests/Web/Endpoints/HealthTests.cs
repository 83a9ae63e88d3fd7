using System.Net;
using System.Text.Json;
using Edison.Core.Inference.Engine;
using Edison.Tests.TestSupport;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Edison.Tests.Web.Endpoints;

public sealed class HealthTests
{
    [Fact]
    public async Task With_no_model_configured_Edison_serves_its_demo_model_and_says_so()
    {
        await using var edison = new EdisonFactory(modelPath: null);
        var client = await edison.CreateReadyClientAsync();

        var health = JsonDocument.Parse(await client.GetStringAsync("/health")).RootElement;
        var page = await client.GetStringAsync("/");
        var answer = JsonDocument.Parse(await (await client.PostAsync("/chat", Sse.Json(new { message = "hi" }))).Content.ReadAsStringAsync()).RootElement;

        Assert.Equal("ready", health.GetProperty("status").GetString());
        Assert.Equal("edison-demo", health.GetProperty("model").GetString());
        Assert.True(health.GetProperty("demo").GetBoolean());
        Assert.Equal(0, health.GetProperty("active_generations").GetInt32());
        Assert.Contains("Edison__Model__Path", health.GetProperty("hint").GetString());
        Assert.Contains("built-in demo model", page);
        Assert.Contains("Edison:Model:Path", page);
        Assert.Contains("demo model", answer.GetProperty("response").GetString());
        Assert.True(File.Exists(Path.Combine(edison.DataPath, "models", "edison-demo.gguf")));
    }

    [Fact]
    public async Task With_a_configured_model_health_names_it()
    {
        await using var edison = new EdisonFactory(TestModels.Story);
        var client = await edison.CreateReadyClientAsync();

        var response = await client.GetAsync("/health");
        var health = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("story", health.GetProperty("model").GetString());
        Assert.False(health.GetProperty("demo").GetBoolean());
        Assert.Equal(2048, health.GetProperty("context_size").GetInt32());
        Assert.False(edison.Services.GetRequiredService<IGenerationEngine>().IsSettingUp, "ready, but the engine's context was never made");
    }

    [Fact]
    public async Task While_the_engine_sets_up_for_the_loaded_model_health_says_starting_and_readiness_waits()
    {
        await using var edison = new EdisonFactory(TestModels.Story);
        var engine = new ChannelEngine { IsSettingUp = true };
        var client = edison.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<IGenerationEngine>(engine))).CreateClient();
        await Eventually.WaitUntilAsync(async () => (await HealthAsync(client)).Status != "loading");

        var starting = await HealthAsync(client);
        var notReady = await client.GetAsync("/health/ready");
        engine.IsSettingUp = false;
        var started = await HealthAsync(client);
        var ready = await client.GetAsync("/health/ready");

        Assert.Equal((HttpStatusCode.ServiceUnavailable, "starting", "story"), (starting.Code, starting.Status, starting.Model));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady.StatusCode);
        Assert.Equal((HttpStatusCode.OK, "ready"), (started.Code, started.Status));
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }

    private static async Task<(HttpStatusCode Code, string? Status, string? Model)> HealthAsync(HttpClient client)
    {
        var response = await client.GetAsync("/health");
        var health = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        return (response.StatusCode, health.GetProperty("status").GetString(), health.GetProperty("model").GetString());
    }
}
