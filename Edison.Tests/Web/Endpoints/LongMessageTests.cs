using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Edison.Tests.TestSupport;

namespace Edison.Tests.Web.Endpoints;

/// <summary>Messages as long as Edison accepts, pasted by several clients at once: refused at once, costing others nothing.</summary>
public sealed class LongMessageTests(LongMessageTests.Host host, LongMessageTests.LongContextHost longContext)
    : IClassFixture<LongMessageTests.Host>, IClassFixture<LongMessageTests.LongContextHost>
{
    /// <summary>All clients of the test server share one address: the per-client limit would count them as one.</summary>
    public sealed class Host() : SharedEdison(new EdisonFactory(TestModels.Greeting, settings: new Dictionary<string, string?>
    {
        ["Edison:RateLimit:ConcurrentPerClient"] = "0",
    }));

    /// <summary>A context of 32,768 tokens: a 100,000-character run is too many bytes for no token count it could fill, so it is read.</summary>
    public sealed class LongContextHost() : SharedEdison(new EdisonFactory(TestModels.Endless, contextSize: 32_768, settings: new Dictionary<string, string?>
    {
        ["Edison:RateLimit:ConcurrentPerClient"] = "0",
    }));

    [Fact]
    public async Task Long_unbroken_runs_are_refused_at_once_and_another_client_is_answered_meanwhile()
    {
        var race = await PasteWhileAnotherAsksAsync(host.Client, ['a', '7', 'a', 'x']);

        foreach (var error in race.Errors)
        {
            Assert.StartsWith("The message is too long for this model: its 100000 bytes", error);
        }

        Assert.True(race.OtherTook < TimeSpan.FromSeconds(3), $"the other client waited {race.OtherTook.TotalSeconds:F1} s");
        Assert.True(race.AllTook < TimeSpan.FromSeconds(5), $"the refusals took {race.AllTook.TotalSeconds:F1} s");
    }

    [Fact]
    public async Task Long_runs_the_vocabulary_spells_in_bytes_are_read_and_refused_at_once_in_a_long_context()
    {
        var race = await PasteWhileAnotherAsksAsync(longContext.Client, ['~', '~', '~', '~']);

        foreach (var error in race.Errors)
        {
            var needed = Regex.Match(error, "^The message is too long for this model: the prompt needs ([0-9]+) tokens");
            Assert.True(needed.Success, error);
            Assert.InRange(int.Parse(needed.Groups[1].Value), 100_000, 101_000);
        }

        Assert.True(race.OtherTook < TimeSpan.FromSeconds(1), $"the other client waited {race.OtherTook.TotalSeconds:F1} s");
        Assert.True(race.AllTook < TimeSpan.FromSeconds(1.5), $"the refusals took {race.AllTook.TotalSeconds:F1} s");
    }

    /// <summary>Pastes of 100,000 of each filler at once, and a short question from another client meanwhile, which is answered.</summary>
    private static async Task<Race> PasteWhileAnotherAsksAsync(HttpClient client, char[] fillers)
    {
        var clock = Stopwatch.StartNew();
        var pastes = fillers
            .Select(filler => client.PostAsync("/chat", Sse.Json(new { message = new string(filler, 100_000) })))
            .ToList();
        var other = await client.PostAsync("/chat", Sse.Json(new { message = "hi", max_tokens = 5 }));
        var otherTook = clock.Elapsed;
        var refused = await Task.WhenAll(pastes);
        var allTook = clock.Elapsed;

        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        var errors = new List<string>();
        foreach (var response in refused)
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            errors.Add((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString()!);
        }

        return new Race(errors, otherTook, allTook);
    }

    private sealed record Race(IReadOnlyList<string> Errors, TimeSpan OtherTook, TimeSpan AllTook);
}
