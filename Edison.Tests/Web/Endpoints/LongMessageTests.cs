using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Edison.Tests.TestSupport;

namespace Edison.Tests.Web.Endpoints;

/// <summary>Messages as long as Edison accepts, pasted by several clients at once: refused at once, costing others nothing.</summary>
public sealed class LongMessageTests(LongMessageTests.Host host) : IClassFixture<LongMessageTests.Host>
{
    /// <summary>All clients of the test server share one address: the per-client limit would count them as one.</summary>
    public sealed class Host() : SharedEdison(new EdisonFactory(TestModels.Greeting, settings: new Dictionary<string, string?>
    {
        ["Edison:RateLimit:ConcurrentPerClient"] = "0",
    }));

    [Fact]
    public async Task Long_unbroken_runs_are_refused_at_once_and_another_client_is_answered_meanwhile()
    {
        var client = host.Client;
        var clock = Stopwatch.StartNew();
        var refusals = new[] { 'a', '7', 'a', 'x' }
            .Select(filler => client.PostAsync("/chat", Sse.Json(new { message = new string(filler, 100_000) })))
            .ToList();
        var other = await client.PostAsync("/chat", Sse.Json(new { message = "hi", max_tokens = 5 }));
        var otherTook = clock.Elapsed;
        var refused = await Task.WhenAll(refusals);
        var allTook = clock.Elapsed;

        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        foreach (var response in refused)
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString();
            Assert.StartsWith("The message is too long for this model: its 100000 bytes", error);
        }

        Assert.True(otherTook < TimeSpan.FromSeconds(3), $"the other client waited {otherTook.TotalSeconds:F1} s");
        Assert.True(allTook < TimeSpan.FromSeconds(5), $"the refusals took {allTook.TotalSeconds:F1} s");
    }
}
