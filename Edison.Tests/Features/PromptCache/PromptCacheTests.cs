using System.Net.Http.Json;
using System.Text.Json;
using Edison.Tests.TestSupport;

namespace Edison.Tests.Features.PromptCache;

/// <summary>
/// The prompt cache: a conversation's next turn reads only what is new, answers are the same as without the cache (on
/// the generated attentive model), and conversations never read each other's cells (on a model with random weights,
/// whose answer every token of the prompt sways).
/// </summary>
public sealed class PromptCacheTests
{
    private const string SharedSystem = "You are a storyteller for a group of friends who like short stories about animals.";

    [Fact]
    public async Task Each_turn_reads_only_what_is_new_and_answers_as_it_would_without_the_cache()
    {
        var withCache = await ConversationAsync(promptCache: true, ["a story about a cat", "and then?", "what did the cat eat?", "the end"]);
        var without = await ConversationAsync(promptCache: false, ["a story about a cat", "and then?", "what did the cat eat?", "the end"]);

        Assert.Equal(without.Select(t => t.Answer), withCache.Select(t => t.Answer));
        Assert.All(without, turn => Assert.Equal(0, turn.Cached));
        Assert.Equal(0, withCache[0].Cached);
        for (int turn = 1; turn < withCache.Count; turn++)
        {
            // The previous prompt and the previous answer (but its last token, which was written but never read
            // back) were in the cache: only the new message is read.
            var before = withCache[turn - 1];
            Assert.True(
                withCache[turn].Cached >= before.Prompt + before.Completion - 1,
                $"turn {turn + 1}: {withCache[turn].Cached} of {withCache[turn].Prompt} cached; the turn before held {before.Prompt} + {before.Completion}");
            Assert.Equal(withCache[turn].Prompt, without[turn].Prompt);
        }
    }

    /// <summary>
    /// Memories go with the message they were found for; the next turn reads that message with them again, so the
    /// prompt still starts as the previous one did and only the new message is read.
    /// </summary>
    [Fact]
    public async Task A_turn_asked_with_memories_is_read_with_them_again_so_the_next_turn_reads_only_what_is_new()
    {
        await using var edison = Edison(cache: true);
        var client = await edison.CreateReadyClientAsync();
        await RememberTheTortoiseAsync(client);

        var id = Guid.NewGuid();
        var first = await client.PostAsync("/chat", Sse.Json(new { message = "What does my tortoise eat?", conversation_id = id, temperature = 0, max_tokens = 24, mode = "chat" }));
        var firstDone = await first.Content.ReadFromJsonAsync<JsonElement>();
        var secondDone = await (await client.PostAsync("/chat", Sse.Json(new { message = "and then?", conversation_id = id, temperature = 0, max_tokens = 24, mode = "chat" })))
            .Content.ReadFromJsonAsync<JsonElement>();
        var thirdDone = await (await client.PostAsync("/chat", Sse.Json(new { message = "Does my tortoise eat anything else?", conversation_id = id, temperature = 0, max_tokens = 24, mode = "chat" })))
            .Content.ReadFromJsonAsync<JsonElement>();

        Assert.NotEmpty(firstDone.GetProperty("sources").EnumerateArray());
        AssertReadOnlyWhatIsNew(firstDone, secondDone);
        AssertReadOnlyWhatIsNew(secondDone, thirdDone);

        // The memory found again is in the conversation already: it is not written (nor cited) a second time, so the
        // third turn reads its message alone, less than the first read with the memory (the system prompt was cached).
        Assert.Empty(thirdDone.GetProperty("sources").EnumerateArray());
        Assert.True(Read(thirdDone) < Read(firstDone) - 50, $"the first turn read {Read(firstDone)} tokens, the third {Read(thirdDone)}");

        static int Read(JsonElement done) =>
            done.GetProperty("usage").GetProperty("prompt_tokens").GetInt32() - done.GetProperty("usage").GetProperty("cached_tokens").GetInt32();

        static void AssertReadOnlyWhatIsNew(JsonElement previous, JsonElement next)
        {
            var before = previous.GetProperty("usage");
            var now = next.GetProperty("usage");
            int held = before.GetProperty("prompt_tokens").GetInt32() + before.GetProperty("completion_tokens").GetInt32() - 1;
            Assert.True(
                now.GetProperty("cached_tokens").GetInt32() >= held,
                $"{now.GetProperty("cached_tokens").GetInt32()} of {now.GetProperty("prompt_tokens").GetInt32()} cached; the turn before held {held}");
        }
    }

    [Fact]
    public async Task Two_conversations_that_share_a_system_prompt_answer_as_without_the_cache_even_on_one_sequence()
    {
        foreach (var parallel in new[] { 2, 1 })
        {
            var answers = new List<List<string>>();
            foreach (var cache in new[] { false, true })
            {
                await using var edison = Edison(cache, parallel: parallel);
                answers.Add(await TurnsAsync(await edison.CreateReadyClientAsync(), ["a", "b"], sharedSystem: true));
            }

            Assert.Equal(answers[0], answers[1]);
        }
    }

    [Fact]
    public async Task Conversations_never_read_each_others_cells_on_a_model_every_token_sways()
    {
        // Each conversation, interleaved with the other, answers exactly as it does alone: with two sequences each
        // keeps its own, and with one each gives way to the other every turn (and is read again from the start).
        var alone = new Dictionary<string, List<string>>();
        foreach (var name in new[] { "a", "b" })
        {
            await using var edison = Edison(cache: true, model: TestModels.Sensitive, parallel: 2);
            alone[name] = await TurnsAsync(await edison.CreateReadyClientAsync(), [name], sharedSystem: false);
        }

        foreach (var parallel in new[] { 2, 1 })
        {
            await using var both = Edison(cache: true, model: TestModels.Sensitive, parallel: parallel);
            var interleaved = await TurnsAsync(await both.CreateReadyClientAsync(), ["a", "b"], sharedSystem: false);

            Assert.Equal(alone["a"], interleaved.Where((_, i) => i % 2 == 0));
            Assert.Equal(alone["b"], interleaved.Where((_, i) => i % 2 == 1));
        }

        Assert.NotEqual(alone["a"], alone["b"]);
    }

    /// <summary>Three turns of each named conversation, taking turns; every answer, in the order asked.</summary>
    private static async Task<List<string>> TurnsAsync(HttpClient client, string[] conversations, bool sharedSystem)
    {
        var histories = conversations.ToDictionary(
            name => name,
            name => new List<object> { new { role = "system", content = sharedSystem ? SharedSystem : $"Conversation {name} wants short answers." } });
        var answers = new List<string>();
        for (int turn = 0; turn < 3; turn++)
        {
            foreach (var name in conversations)
            {
                var history = histories[name];
                history.Add(new { role = "user", content = (name, turn) switch
                {
                    ("a", 0) => "a story about a cat",
                    ("b", 0) => "why is the sky blue?",
                    _ => $"go on with part {turn}",
                } });
                var (answer, _, _, _) = await CompleteAsync(client, history);
                history.Add(new { role = "assistant", content = answer });
                answers.Add(answer);
            }
        }

        return answers;
    }

    [Fact]
    public async Task Conversations_answered_at_the_same_time_keep_to_their_own_cells()
    {
        var messages = new[] { "a story about the moon", "a story about the sea", "why is grass green?", "write a poem about rain" };
        async Task<List<List<string>>> RunAsync(bool cache, bool together)
        {
            await using var edison = Edison(cache, parallel: 2);
            var client = await edison.CreateReadyClientAsync();
            async Task<List<string>> ConversationAsync(string first)
            {
                var history = new List<object> { new { role = "system", content = SharedSystem }, new { role = "user", content = first } };
                var answers = new List<string>();
                foreach (var next in new[] { "go on", "and finally?" })
                {
                    var (answer, _, _, _) = await CompleteAsync(client, history);
                    answers.Add(answer);
                    history.Add(new { role = "assistant", content = answer });
                    history.Add(new { role = "user", content = next });
                }

                return answers;
            }

            if (together)
            {
                return [.. await Task.WhenAll(messages.Select(m => Task.Run(() => ConversationAsync(m))))];
            }

            var alone = new List<List<string>>();
            foreach (var message in messages)
            {
                alone.Add(await ConversationAsync(message));
            }

            return alone;
        }

        var reference = await RunAsync(cache: false, together: false);

        Assert.Equal(reference, await RunAsync(cache: true, together: true));
    }

    [Fact]
    public async Task A_client_kept_history_is_matched_by_its_tokens()
    {
        await using var edison = Edison(cache: true);
        var client = await edison.CreateReadyClientAsync();
        var history = new List<object> { new { role = "user", content = "a story about a dog" } };

        var (first, _, _, _) = await CompleteAsync(client, history);
        history.Add(new { role = "assistant", content = first });
        history.Add(new { role = "user", content = "go on" });
        var (_, prompt, cached, _) = await CompleteAsync(client, history);

        Assert.True(cached > prompt / 2, $"{cached} of {prompt} prompt tokens came from the cache");
    }

    /// <summary>
    /// A new conversation whose system prompt another one holds starts from a copy of those cells: it reads only what
    /// follows them, answers as it would with nothing cached, and the other conversation keeps all of its own.
    /// </summary>
    [Fact]
    public async Task A_new_conversation_starts_from_a_copy_of_the_system_prompt_another_holds()
    {
        async Task<List<(string Answer, int Prompt, int Cached, int Completion)>> RunAsync(bool cache)
        {
            await using var edison = Edison(cache);
            var client = await edison.CreateReadyClientAsync();
            var moon = new List<object> { new { role = "system", content = SharedSystem }, new { role = "user", content = "a story about the moon" } };
            var turns = new List<(string, int, int, int)> { await CompleteAsync(client, moon) };
            turns.Add(await CompleteAsync(client, [new { role = "system", content = SharedSystem }, new { role = "user", content = "a story about the sea" }]));
            moon.Add(new { role = "assistant", content = turns[0].Item1 });
            moon.Add(new { role = "user", content = "go on" });
            turns.Add(await CompleteAsync(client, moon));
            return turns;
        }

        var with = await RunAsync(cache: true);
        var without = await RunAsync(cache: false);

        Assert.Equal(without.Select(t => t.Answer), with.Select(t => t.Answer));
        Assert.Equal(0, with[0].Cached);
        Assert.True(with[1].Cached >= 16 && with[1].Cached < with[1].Prompt, $"the second conversation found {with[1].Cached} of {with[1].Prompt} prompt tokens in the cache");
        Assert.True(
            with[2].Cached >= with[0].Prompt + with[0].Completion - 1,
            $"the first conversation's next turn found {with[2].Cached} tokens in the cache; its first turn was {with[0].Prompt} + {with[0].Completion}");
    }

    /// <summary>
    /// Memories (and web results) go into a stored conversation's turn and come back with it; a client that keeps the
    /// history would never send them back, so its turns get none: its next turn then starts as this one did.
    /// </summary>
    [Fact]
    public async Task A_client_kept_history_gets_no_memories_so_its_next_turn_reads_only_what_is_new()
    {
        await using var edison = Edison(cache: true);
        var client = await edison.CreateReadyClientAsync();
        await RememberTheTortoiseAsync(client);
        var history = new List<object> { new { role = "user", content = "What does my tortoise Boris eat?" } };

        var (first, firstPrompt, _, completion) = await CompleteAsync(client, history);
        history.Add(new { role = "assistant", content = first });
        history.Add(new { role = "user", content = "Does my tortoise Boris eat anything else?" });
        var (_, _, cached, _) = await CompleteAsync(client, history);

        // The first turn's prompt and its answer but the last token (written, never read back) were in the cache.
        Assert.True(cached >= firstPrompt + completion - 1, $"{cached} prompt tokens came from the cache; the first turn was {firstPrompt} + {completion}");
    }

    /// <param name="model">Attentive by default: its answers follow the prompt but shrug off the last digits of floating
    /// point, which differ with how a batch is shaped (a cached prefix is read in other batches than a fresh one).</param>
    private static EdisonFactory Edison(bool cache, string? model = null, int parallel = 4) =>
        new(model ?? TestModels.Attentive, contextSize: 2048, settings: new Dictionary<string, string?>
        {
            ["Edison:Model:PromptCache"] = cache ? "true" : "false",
            ["Edison:Model:MaxParallel"] = parallel.ToString(),
            ["Edison:RateLimit:PermitsPerMinute"] = "0",
            ["Edison:RateLimit:ConcurrentPerClient"] = "0",
        });

    private static async Task<List<(string Answer, int Prompt, int Cached, int Completion)>> ConversationAsync(bool promptCache, string[] messages)
    {
        await using var edison = Edison(promptCache);
        var client = await edison.CreateReadyClientAsync();
        var id = Guid.NewGuid();
        var turns = new List<(string, int, int, int)>();
        foreach (var message in messages)
        {
            var response = await client.PostAsync("/chat", Sse.Json(new { message, conversation_id = id, temperature = 0, max_tokens = 24, mode = "reasoning" }));
            var done = await response.Content.ReadFromJsonAsync<JsonElement>();
            var usage = done.GetProperty("usage");
            turns.Add((
                done.GetProperty("response").GetString()!,
                usage.GetProperty("prompt_tokens").GetInt32(),
                usage.GetProperty("cached_tokens").GetInt32(),
                usage.GetProperty("completion_tokens").GetInt32()));
        }

        return turns;
    }

    /// <summary>An earlier conversation for the memories to find.</summary>
    private static async Task RememberTheTortoiseAsync(HttpClient client) =>
        (await client.PostAsync("/chat", Sse.Json(new { message = "My tortoise Boris eats dandelions", temperature = 0, max_tokens = 8, mode = "chat" }))).EnsureSuccessStatusCode();

    private static async Task<(string Answer, int Prompt, int Cached, int Completion)> CompleteAsync(HttpClient client, List<object> messages)
    {
        var response = await client.PostAsync("/v1/chat/completions", Sse.Json(new { messages, temperature = 0, max_tokens = 20 }));
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var usage = body.GetProperty("usage");
        return (
            body.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!,
            usage.GetProperty("prompt_tokens").GetInt32(),
            usage.GetProperty("prompt_tokens_details").GetProperty("cached_tokens").GetInt32(),
            usage.GetProperty("completion_tokens").GetInt32());
    }
}
