using System.Collections.Concurrent;
using System.Text;
using Edison.Core.Inference.Engine;
using Edison.Core.Inference.Models;
using Edison.Core.Inference.Prompts;
using Edison.Tests.TestSupport;

namespace Edison.Tests.Core.Inference;

/// <summary>Several conversations at once on the one model, through Edison's own decode loop on the real LLamaSharp context.</summary>
public sealed class BatchedGenerationEngineTests
{
    [Fact]
    public async Task Four_prompts_at_once_get_the_same_answers_as_one_at_a_time()
    {
        await using var inference = await LayerHost.InferenceAsync(TestModels.Story);
        var engine = inference.Engine;

        // A prompt ending inside the script continues it from there: four prompts, four different answers.
        GenerationRequest[] requests =
        [
            Request("User: go\nAssistant:", 100),
            Request("a 🦙", 100),
            Request("x 日", 100),
            Request("User: go\nAssistant:", 4),
        ];
        var alone = new List<string>();
        foreach (var request in requests)
        {
            alone.Add(await CollectAsync(engine, request));
        }

        var together = await Task.WhenAll(requests.Select(r => Task.Run(() => CollectAsync(engine, r))));

        Assert.Equal(alone, together);
        Assert.Equal(4, alone.Distinct().Count());
        Assert.Equal(TestModels.StoryAnswer, alone[0].TrimStart());
        Assert.StartsWith(" a llama from 日本", alone[1]);
        Assert.StartsWith("本 wrote a story", alone[2]);
    }

    // Flash attention is a different attention kernel in llama.cpp, so the batched layout is checked under each; answers
    // decoded each in a step of its own take the one-answer path, so they must come out the same too.
    [Theory]
    [InlineData("Edison:Model:FlashAttention", "auto")]
    [InlineData("Edison:Model:FlashAttention", "off")]
    [InlineData("Edison:Model:FlashAttention", "on")]
    [InlineData("Edison:Model:SeparateSteps", "on")]
    [InlineData("Edison:Model:SeparateSteps", "off")]
    public async Task With_a_model_whose_attention_matters_answers_alone_and_together_are_the_same(string setting, string value)
    {
        await using var inference = await LayerHost.InferenceAsync(TestModels.Attentive, contextSize: 1024, settings: new Dictionary<string, string?> { [setting] = value });
        var engine = inference.Engine;
        var requests = new[] { "a story about a cat", "tell me about the sea", "why is the sky blue?", "write a poem" }
            .Select(m => Request($"User: {m}\nAssistant:", 60))
            .ToList();
        var alone = new List<string>();
        foreach (var request in requests)
        {
            alone.Add(await CollectAsync(engine, request));
        }

        var together = await Task.WhenAll(requests.Select(r => Task.Run(() => CollectAsync(engine, r))));

        Assert.Equal(alone, together);
        Assert.True(alone.Distinct().Count() >= 3, "the prompts should lead to different answers");
    }

    [Fact]
    public async Task Flash_attention_on_or_off_changes_nothing_in_the_answers()
    {
        var prompts = new[] { "a story about a cat", "tell me about the sea", "why is the sky blue?" };
        var answers = new List<List<string>>();
        foreach (var flashAttention in new[] { "on", "off" })
        {
            await using var inference = await LayerHost.InferenceAsync(TestModels.Attentive, contextSize: 1024, settings: new Dictionary<string, string?> { ["Edison:Model:FlashAttention"] = flashAttention });
            var engine = inference.Engine;
            answers.Add([.. await Task.WhenAll(prompts.Select(m => Task.Run(() => CollectAsync(engine, Request($"User: {m}\nAssistant:", 60)))))]);
        }

        Assert.Equal(answers[0], answers[1]);
        Assert.All(answers[1], answer => Assert.False(string.IsNullOrWhiteSpace(answer)));
    }

    [Fact]
    public async Task An_image_prompt_read_through_the_projector_while_others_stream_leaves_every_answer_as_it_is_alone()
    {
        await using var inference = await LayerHost.InferenceAsync(TestModels.Attentive, contextSize: 2048, settings: new Dictionary<string, string?>
        {
            ["Edison:Model:MultimodalProjectorPath"] = TestModels.Projector,
        });
        var engine = inference.Engine;

        // Plain answers long enough to be still running when a late test thread sends the image; stopped once it is read.
        var plain = new[] { "a story about a cat", "tell me about the sea" }.Select(m => Request($"User: {m}\nAssistant:", 1500)).ToList();
        var image = Request($"User: {LoadedModel.ImageMarker}\nwhat is this?\nAssistant:", 60) with { Images = [TestImages.Png(40, 30, (200, 120, 40))] };
        var plainAlone = new List<string>();
        foreach (var request in plain)
        {
            plainAlone.Add(await CollectAsync(engine, request));
        }

        var imageAlone = await CollectAsync(engine, image);

        using var stop = new CancellationTokenSource();
        var beside = plain.Select(r => new StringBuilder()).ToList();
        var streaming = plain.Select((r, i) => Task.Run(async () =>
        {
            try
            {
                await foreach (var piece in engine.GenerateAsync(r, stop.Token))
                {
                    beside[i].Append(piece.Text);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
        })).ToList();
        await Eventually.WaitUntilAsync(() => engine.ActiveGenerations == 2);
        var imageBeside = await CollectAsync(engine, image);
        bool othersStillRan = engine.ActiveGenerations == 2;
        await stop.CancelAsync();
        await Task.WhenAll(streaming);

        Assert.True(othersStillRan, "the plain answers ended before the image answer: nothing ran beside it");
        Assert.All(Enumerable.Range(0, plain.Count), i => Assert.StartsWith(beside[i].ToString(), plainAlone[i]));
        Assert.All(beside, text => Assert.False(string.IsNullOrWhiteSpace(text.ToString())));
        Assert.Equal(imageAlone, imageBeside);
        Assert.False(string.IsNullOrWhiteSpace(imageAlone));
    }

    [Fact]
    public async Task Beyond_MaxParallel_requests_wait_and_start_in_arrival_order()
    {
        await using var inference = await LayerHost.InferenceAsync(TestModels.Endless, contextSize: 32768, settings: Parallel(2));
        var engine = inference.Engine;
        var started = new ConcurrentQueue<int>();
        var stops = Enumerable.Range(0, 5).Select(_ => new CancellationTokenSource()).ToList();
        int maxActive = 0;

        // Answers that cannot end by themselves: a place frees only when the test stops the answer holding it, so
        // exactly one waiting request may start each time, however late its reader sees its first words.
        var callers = new List<Task>();
        for (int caller = 0; caller < 5; caller++)
        {
            int id = caller;
            callers.Add(Task.Run(async () =>
            {
                bool first = true;
                try
                {
                    await foreach (var _ in engine.GenerateAsync(Request("User: go\nAssistant:", 16_000), stops[id].Token))
                    {
                        if (first)
                        {
                            started.Enqueue(id);
                            first = false;
                        }

                        InterlockedMax(ref maxActive, engine.ActiveGenerations);
                    }
                }
                catch (OperationCanceledException) when (stops[id].IsCancellationRequested)
                {
                }
            }));

            // This caller has reached the engine before the next one sets off.
            await Eventually.WaitUntilAsync(() => engine.ActiveGenerations + engine.QueuedGenerations == id + 1);
        }

        await Eventually.WaitUntilAsync(() => started.Count == 2);
        Assert.Equal([0, 1], started.Order());
        Assert.Equal(3, engine.QueuedGenerations);
        foreach (var (stopped, next) in new[] { (0, 2), (1, 3), (2, 4) })
        {
            await stops[stopped].CancelAsync();
            await Eventually.WaitUntilAsync(() => started.Count == next + 1);
            Assert.Equal(next, started.Last());
        }

        foreach (var stop in stops)
        {
            await stop.CancelAsync();
        }

        await Task.WhenAll(callers);
        Assert.Equal(2, maxActive);
        await Eventually.WaitUntilAsync(() => engine.ActiveGenerations == 0);
        Assert.Equal(0, engine.QueuedGenerations);
    }

    [Fact]
    public async Task A_caller_that_gives_up_in_the_queue_leaves_it_at_once()
    {
        await using var inference = await LayerHost.InferenceAsync(TestModels.Endless, contextSize: 8192, settings: Parallel(1));
        var engine = inference.Engine;
        using var stopFirst = new CancellationTokenSource();
        using var giveUp = new CancellationTokenSource();
        var running = Task.Run(() => CollectAsync(engine, Request("User: go\nAssistant:", 8000), stopFirst.Token));
        await Eventually.WaitUntilAsync(() => engine.ActiveGenerations == 1);
        var waiting = Task.Run(() => CollectAsync(engine, Request("User: go\nAssistant:", 10), giveUp.Token));
        await Eventually.WaitUntilAsync(() => engine.QueuedGenerations == 1);

        await giveUp.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        Assert.False(running.IsCompleted, "the waiting caller should have left while the first was still running");
        await stopFirst.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
        await Eventually.WaitUntilAsync(() => engine.ActiveGenerations == 0 && engine.QueuedGenerations == 0);
    }

    [Fact]
    public async Task Cancelling_one_stream_leaves_the_others_streaming()
    {
        await using var inference = await LayerHost.InferenceAsync(TestModels.Endless, contextSize: 8192);
        var engine = inference.Engine;
        using var cancelOne = new CancellationTokenSource();
        var cancelled = Task.Run(() => CollectAsync(engine, Request("User: go\nAssistant:", 8000), cancelOne.Token));
        var others = Enumerable.Range(0, 2).Select(_ => Task.Run(() => CollectAsync(engine, Request("User: go\nAssistant:", 1500)))).ToList();
        await Eventually.WaitUntilAsync(() => engine.ActiveGenerations == 3);

        await cancelOne.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        await Eventually.WaitUntilAsync(() => engine.ActiveGenerations <= 2);
        Assert.All(await Task.WhenAll(others), answer => Assert.True(answer.Length > 1500, "the other streams ran to their limit"));
    }

    [Fact]
    public async Task A_long_prompt_is_read_in_small_chunks_while_other_streams_keep_going()
    {
        // Batches of 512 (the default), but 16 prompt tokens a batch while anything streams.
        var settings = Parallel(2);
        settings["Edison:Model:PromptChunkWhileStreaming"] = "16";
        await using var inference = await LayerHost.InferenceAsync(TestModels.Endless, contextSize: 4096, settings: settings);
        var engine = inference.Engine;
        int streamed = 0;
        using var stop = new CancellationTokenSource();
        var streaming = Task.Run(async () =>
        {
            await foreach (var _ in engine.GenerateAsync(Request("User: go\nAssistant:", 2000), stop.Token))
            {
                Interlocked.Increment(ref streamed);
            }
        });
        await Eventually.WaitUntilAsync(() => Volatile.Read(ref streamed) > 0);

        // 2,000 prompt tokens at 16 a batch: 125 batches, each with a token of the stream, before its one token. Counted
        // from when the engine takes it in: the stream writes hundreds of tokens a second of its own before that.
        var longPrompt = Request("User: " + new string('x', 2000) + "\nAssistant:", 1);
        var reading = CollectAsync(engine, longPrompt);
        await Eventually.WaitUntilAsync(() => engine.ActiveGenerations == 2);
        int before = Volatile.Read(ref streamed);
        await reading;
        int during = Volatile.Read(ref streamed) - before;

        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => streaming);
        Assert.True(during >= 60, $"only {during} tokens streamed while the long prompt was read");
    }

    private static Dictionary<string, string?> Parallel(int count) => new() { ["Edison:Model:MaxParallel"] = count.ToString() };

    private static GenerationRequest Request(string prompt, int maxTokens) => new(PromptText.Content(prompt), maxTokens, 0f, 1f, 1, []);

    private static async Task<string> CollectAsync(IGenerationEngine engine, GenerationRequest request, CancellationToken cancellationToken = default)
    {
        var text = new StringBuilder();
        await foreach (var piece in engine.GenerateAsync(request, cancellationToken))
        {
            text.Append(piece.Text);
        }

        return text.ToString();
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while (value > (current = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
