using System.Runtime.CompilerServices;
using System.Text.Json;
using Edison.Core.Inference.Engine;
using Edison.Core.Inference.Models;
using Edison.Tests.TestSupport;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.AI;

namespace Edison.Tests.Web.Endpoints;

/// <summary>A failure after the stream started: the client gets one done error event, and nothing is stored.</summary>
public sealed class FailureTests(FailureTests.Host host) : IClassFixture<FailureTests.Host>
{
    private readonly EdisonFactory _edison = host.Edison;
    private readonly HttpClient _client = host.Failing;

    /// <summary>One Edison whose engine fails after two tokens, for every test that stores nothing another reads.</summary>
    public sealed class Host : IAsyncLifetime
    {
        public EdisonFactory Edison { get; } = new(TestModels.Story);

        public HttpClient Failing { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Failing = Edison.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<IGenerationEngine, FailingEngine>())).CreateClient();
            await EdisonFactory.WaitUntilReadyAsync(Failing);
        }

        public async Task DisposeAsync() => await Edison.DisposeAsync();
    }

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
    public async Task A_continuation_that_fails_leaves_the_answer_as_it_was_still_remembered_and_still_to_continue()
    {
        var id = Guid.NewGuid();
        var store = _edison.Services.GetRequiredService<Edison.Core.Conversations.IConversationStore>();
        await store.AppendExchangeAsync(
            id, "tell me about otters", "Otters hold", context: null, Edison.Core.Conversations.ExchangePlace.AfterShown,
            new Edison.Core.Conversations.AnswerDetails("chat", CutOff: true, []), CancellationToken.None);
        var answerId = (await store.GetAsync(id, CancellationToken.None))!.Messages[1].Id;

        var response = await _client.PostAsync("/chat/stream", Sse.Json(new { conversation_id = id, continue_id = answerId }));
        var events = await Sse.ParseAsync(await response.Content.ReadAsStreamAsync());
        var answer = (await store.GetAsync(id, CancellationToken.None))!.Messages[1];
        var remembered = await store.SearchExchangesAsync(["otters"], Guid.Empty, 10, CancellationToken.None);

        Assert.Contains("failed while writing the answer", Sse.Data(events[^1]).GetProperty("error").GetString());
        Assert.Equal(("Otters hold", "completed", true), (answer.Content, answer.State, answer.Details!.CutOff));
        Assert.Equal("Otters hold", Assert.Single(remembered).Answer);
    }

    [Fact]
    public async Task A_failure_on_chat_is_a_500_with_the_error_shape()
    {
        var response = await _client.PostAsync("/chat", Sse.Json(new { message = "hi" }));

        Assert.Equal(System.Net.HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Contains("\"ok\":false", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_unexpected_failure_answers_in_the_error_shape_of_the_API_asked()
    {
        await using var edison = new EdisonFactory(TestModels.Story);
        var client = edison.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<IChatModelSource, BrokenModelSource>())).CreateClient();

        var openAi = await client.GetAsync("/v1/models");
        var own = await client.GetAsync("/health");

        Assert.Equal(System.Net.HttpStatusCode.InternalServerError, openAi.StatusCode);
        using var openAiBody = JsonDocument.Parse(await openAi.Content.ReadAsStringAsync());
        var error = openAiBody.RootElement.GetProperty("error");
        Assert.Contains("unexpected error", error.GetProperty("message").GetString());
        Assert.Equal("server_error", error.GetProperty("type").GetString());
        Assert.False(openAiBody.RootElement.TryGetProperty("ok", out _));

        Assert.Equal(System.Net.HttpStatusCode.InternalServerError, own.StatusCode);
        using var ownBody = JsonDocument.Parse(await own.Content.ReadAsStringAsync());
        Assert.False(ownBody.RootElement.GetProperty("ok").GetBoolean());
        Assert.DoesNotContain("model source broke", await own.Content.ReadAsStringAsync());
    }

    /// <summary>A model source that fails whenever it is asked for the model, as an unforeseen bug would.</summary>
    private sealed class BrokenModelSource : IChatModelSource
    {
        public ModelState State => ModelState.Ready;

        public IChatModel? Model => throw new InvalidOperationException("model source broke");

        public string? Failure => null;

        public event Action? Changed
        {
            add { }
            remove { }
        }

        public Task<IChatModel> WhenModelReadyAsync(CancellationToken cancellationToken) => throw new InvalidOperationException("model source broke");

        public IModelLease Acquire() => throw new InvalidOperationException("model source broke");
    }

    /// <summary>Writes two tokens, then fails the way a native error would.</summary>
    private sealed class FailingEngine : IGenerationEngine
    {
        public int ActiveGenerations => 0;

        public int QueuedGenerations => 0;

        public bool IsSettingUp => false;

        public async IAsyncEnumerable<ChatResponseUpdate> GenerateAsync(GenerationRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            yield return new ChatResponseUpdate(ChatRole.Assistant, "Once");
            await Task.Yield();
            yield return new ChatResponseUpdate(ChatRole.Assistant, " upon");
            throw new InvalidOperationException("native decoder exploded");
        }
    }
}
