using System.Runtime.CompilerServices;
using Edison.Core.Llama;
using Edison.Tests.TestSupport;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Edison.Tests.Web.Endpoints;

/// <summary>A failure after the stream started: the client gets one done error event, and nothing is stored.</summary>
public sealed class FailureTests : IAsyncLifetime
{
    private readonly EdisonFactory _edison = new(TestModels.Story);
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        var failing = _edison.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<IGenerationEngine, FailingEngine>()));
        _client = failing.CreateClient();
        await EdisonFactory.WaitUntilReadyAsync(_client);
    }

    public async Task DisposeAsync() => await _edison.DisposeAsync();

    [Fact]
    public async Task A_failure_mid_stream_ends_with_a_done_error_event_and_no_stack_trace()
    {
        var id = Guid.NewGuid();
        var response = await _client.PostAsync("/chat/stream", Sse.Json(new { message = "hi", conversation_id = id }));
        var body = await response.Content.ReadAsStringAsync();
        var events = await Sse.ParseAsync(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(body)));

        Assert.Equal(["token", "token", "done"], events.Select(e => e.EventType));
        var done = Sse.Data(events[^1]);
        Assert.False(done.GetProperty("ok").GetBoolean());
        Assert.Contains("failed while writing the answer", done.GetProperty("error").GetString());
        Assert.DoesNotContain("native decoder exploded", body);
        Assert.DoesNotContain(" at ", done.GetProperty("error").GetString());
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await _client.GetAsync($"/api/conversations/{id}")).StatusCode);
    }

    [Fact]
    public async Task A_failure_on_chat_is_a_500_with_the_error_shape()
    {
        var response = await _client.PostAsync("/chat", Sse.Json(new { message = "hi" }));

        Assert.Equal(System.Net.HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Contains("\"ok\":false", await response.Content.ReadAsStringAsync());
    }

    /// <summary>Writes two tokens, then fails the way a native error would.</summary>
    private sealed class FailingEngine : IGenerationEngine
    {
        public int ActiveGenerations => 0;

        public int QueuedGenerations => 0;

        public async IAsyncEnumerable<string> GenerateAsync(GenerationRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            yield return "Once";
            await Task.Yield();
            yield return " upon";
            throw new InvalidOperationException("native decoder exploded");
        }
    }
}
