using System.Net;
using System.Text.Json;
using Edison.Tests.TestSupport;

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
    }
}
