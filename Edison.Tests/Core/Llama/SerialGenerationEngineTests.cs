using System.Collections.Concurrent;
using Edison.Core.Llama;
using Edison.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Edison.Tests.Core.Llama;

/// <summary>One generation at a time on the shared model, callers served in arrival order.</summary>
public sealed class SerialGenerationEngineTests : IAsyncLifetime
{
    private readonly EdisonFactory _edison = new(TestModels.Endless, contextSize: 4096);
    private IGenerationEngine _engine = null!;

    public async Task InitializeAsync()
    {
        await _edison.CreateReadyClientAsync();
        _engine = _edison.Services.GetRequiredService<IGenerationEngine>();
    }

    public async Task DisposeAsync() => await _edison.DisposeAsync();

    [Fact]
    public async Task Waiting_callers_are_served_in_arrival_order_one_at_a_time()
    {
        var finished = new ConcurrentQueue<int>();
        var maxActive = 0;
        var first = Task.Run(() => CollectAsync(0, 2000));
        await WaitUntilAsync(() => _engine.ActiveGenerations == 1);
        var rest = new List<Task>();
        for (int caller = 1; caller <= 3; caller++)
        {
            int arrival = caller;
            rest.Add(Task.Run(() => CollectAsync(arrival, 20)));
            await Task.Delay(30);
        }

        await Task.WhenAll(rest.Prepend(first));

        Assert.Equal([0, 1, 2, 3], finished);
        Assert.Equal(1, maxActive);
        Assert.Equal(0, _engine.ActiveGenerations);

        async Task CollectAsync(int caller, int tokens)
        {
            await foreach (var _ in _engine.GenerateAsync(Request(tokens), CancellationToken.None))
            {
                InterlockedMax(ref maxActive, _engine.ActiveGenerations);
            }

            finished.Enqueue(caller);
        }
    }

    [Fact]
    public async Task A_caller_that_gives_up_while_waiting_leaves_the_queue_at_once()
    {
        using var giveUp = new CancellationTokenSource();
        var running = Task.Run(async () =>
        {
            await foreach (var _ in _engine.GenerateAsync(Request(3000), CancellationToken.None))
            {
            }
        });
        await WaitUntilAsync(() => _engine.ActiveGenerations == 1);

        var waiting = Task.Run(async () =>
        {
            await foreach (var _ in _engine.GenerateAsync(Request(10), giveUp.Token))
            {
            }
        });
        await giveUp.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        Assert.False(running.IsCompleted, "the waiting caller should have left while the first was still running");
        await running;
    }

    [Fact]
    public async Task Stop_strings_end_the_answer_and_are_not_part_of_it()
    {
        await using var edison = new EdisonFactory(TestModels.Talkative);
        var client = await edison.CreateReadyClientAsync();

        var response = await client.PostAsync("/chat", Sse.Json(new { message = "hi" }));

        Assert.Contains("\"response\":\"Sure.\"", await response.Content.ReadAsStringAsync());
    }

    private static GenerationRequest Request(int maxTokens) => new("User: go\nAssistant:", maxTokens, 0f, 1f, 1, []);

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while (value > (current = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting");
            await Task.Delay(1);
        }
    }
}
