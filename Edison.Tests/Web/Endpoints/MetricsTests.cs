using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Edison.Core.Chat;
using Edison.Tests.TestSupport;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Edison.Tests.Web.Endpoints;

/// <summary>/metrics for Prometheus moves with the streams; readiness and liveness for orchestrators.</summary>
[Collection(MetricsCollection.Name)]
public sealed partial class MetricsTests(MetricsTests.Host host) : IClassFixture<MetricsTests.Host>
{
    private readonly EdisonFactory _edison = host.Factory;
    private readonly HttpClient _client = host.Client;

    /// <summary>The counters are read as how far they moved in a test, so the tests share one host.</summary>
    public sealed class Host() : SharedEdison(new EdisonFactory(TestModels.Endless, contextSize: 4096));

    [Fact]
    public async Task The_stream_counters_move_with_completed_and_stopped_answers()
    {
        var before = await ScrapeAsync();

        var completed = await _client.PostAsync("/chat/stream", Sse.Json(new { message = "go", max_tokens = 20 }));
        await completed.Content.ReadAsStringAsync();
        await StopAfterThreeTokensAsync();
        var after = await ScrapeAsync();

        Assert.True(Value(after, "edison_chat_answers_total", "outcome=\"completed\"") >= Value(before, "edison_chat_answers_total", "outcome=\"completed\"") + 1);
        Assert.True(Value(after, "edison_chat_answers_total", "outcome=\"stopped\"") >= Value(before, "edison_chat_answers_total", "outcome=\"stopped\"") + 1);
        Assert.True(Value(after, "edison_tokens_generated_total") >= Value(before, "edison_tokens_generated_total") + 23);
        Assert.True(Value(after, "edison_time_to_first_token_seconds_count") >= Value(before, "edison_time_to_first_token_seconds_count") + 2);
        Assert.True(Value(after, "edison_tokens_per_second_count") >= Value(before, "edison_tokens_per_second_count") + 1);
        // Gauges only by name: other Edisons under test in this process publish the same meter name.
        Assert.Contains("edison_generations_active{", after);
        Assert.Contains("edison_generations_queued{", after);
        Assert.Contains("http_server_request_duration_seconds", after);
    }

    /// <summary>
    /// A new conversation's title is asked for right after its first answer, as a question following that exchange:
    /// the model reads the instruction only, not the whole exchange again, so a follow-up sent at once is not kept
    /// waiting behind it.
    /// </summary>
    [Fact]
    public async Task A_new_conversations_title_reads_the_exchange_from_the_prompt_cache()
    {
        var before = await ScrapeAsync();

        var response = await _client.PostAsync("/chat/stream", Sse.Json(new { message = "tell me about otters", conversation_id = Guid.NewGuid(), max_tokens = 40, resumable = true }));
        var usage = Sse.Data((await Sse.ParseAsync(await response.Content.ReadAsStreamAsync())).Single(e => e.EventType == "done")).GetProperty("usage");
        int prompt = usage.GetProperty("prompt_tokens").GetInt32();
        int cached = usage.GetProperty("cached_tokens").GetInt32();
        int completion = usage.GetProperty("completion_tokens").GetInt32();

        // The answer's prompt and all of the answer but its last token (written, never read back) are in the cache.
        double titleReused = 0;
        await Eventually.WaitUntilAsync(async () =>
            (titleReused = Value(await ScrapeAsync(), "edison_prompt_tokens_reused_total") - Value(before, "edison_prompt_tokens_reused_total") - cached) >= prompt + completion - 1);
        double titleRead = Value(await ScrapeAsync(), "edison_prompt_tokens_evaluated_total") - Value(before, "edison_prompt_tokens_evaluated_total") - (prompt - cached);
        Assert.True(titleRead > 0 && titleRead < prompt + completion, $"the title read {titleRead} tokens and found {titleReused} in the cache; the exchange was {prompt} + {completion}");
    }

    [Fact]
    public async Task Readiness_and_liveness_answer_once_the_model_is_loaded()
    {
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync("/health/live")).StatusCode);
        var ready = await _client.GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", await ready.Content.ReadAsStringAsync());
    }

    private async Task StopAfterThreeTokensAsync()
    {
        var pipeline = _edison.Services.GetRequiredService<ChatPipeline>();
        var prepared = await _edison.Services.GetRequiredService<TurnPreparation>().PrepareAsync(new ChatRequest("go", MaxTokens: 3000), AnswerOwner.Client, CancellationToken.None);
        using var stop = new CancellationTokenSource();
        int tokens = 0;
        await foreach (var chatEvent in pipeline.RunAsync(prepared, stop.Token))
        {
            if (chatEvent.Contents is [TextContent] && ++tokens == 3)
            {
                await stop.CancelAsync();
            }
        }
    }

    private async Task<string> ScrapeAsync()
    {
        var response = await _client.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>The value of a sample whose labels include <paramref name="label"/>; 0 when Prometheus has none yet.</summary>
    private static double Value(string scrape, string name, string label = "") =>
        Sample().Matches(scrape)
            .Where(m => m.Groups["name"].Value == name && m.Groups["labels"].Value.Contains(label, StringComparison.Ordinal))
            .Sum(m => double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture));

    [GeneratedRegex(@"^(?<name>[a-z_]+)(\{(?<labels>[^}]*)\})? (?<value>[-+0-9.eE]+|NaN)( \d+)?$", RegexOptions.Multiline)]
    private static partial Regex Sample();
}

/// <summary>
/// The metrics tests run on their own: every Edison under test in this process publishes a meter named "Edison",
/// and one host stopping while another is scraped can take series with it. One Edison per process, as in
/// production, is what they measure.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MetricsCollection
{
    public const string Name = "Metrics";
}
