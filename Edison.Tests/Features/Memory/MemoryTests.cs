using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Edison.Core.Chat;
using Edison.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Edison.Tests.Features.Memory;

/// <summary>Memory as a client sees it: remembered exchanges from other conversations ground new answers, and say so.</summary>
public sealed class MemoryTests(MemoryTests.Host host) : IClassFixture<MemoryTests.Host>
{
    private readonly EdisonFactory _edison = host.Factory;
    private readonly HttpClient _client = host.Client;

    /// <summary>
    /// One host, so every test's exchanges are memories for the others: each test talks about an animal or a thing
    /// no other test names.
    /// </summary>
    public sealed class Host() : SharedEdison(new EdisonFactory(TestModels.Story));

    [Fact]
    public async Task Asking_about_my_dog_finds_what_I_told_Edison_in_another_conversation()
    {
        var told = await ChatAsync(new { message = "My dog Rex loves chasing squirrels in the park" });
        await ChatAsync(new { message = "I am learning to bake sourdough bread" });

        var asked = await ChatAsync(new { message = "What did I tell you about my dog last week?" });

        var source = Assert.Single(asked.GetProperty("sources").EnumerateArray());
        Assert.Equal("memory", source.GetProperty("kind").GetString());
        Assert.Equal(ConversationId(told), source.GetProperty("conversation_id").GetString());
        Assert.Contains("Rex loves chasing squirrels", source.GetProperty("snippet").GetString());

        // What the model reads: the remembered exchange is in the prompt of the new question.
        var prepared = await Turns.PrepareAsync(new ChatRequest("Tell me about my dogs"), AnswerOwner.Client, CancellationToken.None);
        Assert.Contains("My dog Rex loves chasing squirrels in the park", prepared.Prompt.Text);
        Assert.DoesNotContain("sourdough", prepared.Prompt.Text);
    }

    [Fact]
    public async Task An_exchange_sent_with_remember_false_is_stored_but_never_retrieved()
    {
        var kept = ConversationId(await ChatAsync(new { message = "My parrot Kiwi speaks French", remember = false }));
        var told = ConversationId(await ChatAsync(new { message = "My parrot Kiwi loves grapes" }));

        var asked = await ChatAsync(new { message = "What does my parrot Kiwi like?" });

        // Both are stored; only the remembered one comes back as a memory.
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync($"/api/conversations/{kept}")).StatusCode);
        Assert.Equal(told, Assert.Single(asked.GetProperty("sources").EnumerateArray()).GetProperty("conversation_id").GetString());
        var prepared = await Turns.PrepareAsync(new ChatRequest("Kiwi the parrot"), AnswerOwner.Client, CancellationToken.None);
        Assert.Contains("loves grapes", prepared.Prompt.Text);
        Assert.DoesNotContain("French", prepared.Prompt.Text);
    }

    [Fact]
    public async Task A_conversation_not_remembered_stays_so_when_its_answer_is_continued_and_when_it_is_exported_and_imported()
    {
        var kept = ConversationId(await ChatAsync(new { message = "My tortoise Gus eats dandelions", remember = false, max_tokens = 3 }));
        var answer = (await _client.GetFromJsonAsync<JsonElement>($"/api/conversations/{kept}")).GetProperty("messages")[1].GetProperty("id").GetInt64();
        await ChatAsync(new { conversation_id = kept, continue_id = answer, max_tokens = 3 });
        var export = await _client.GetStringAsync($"/api/conversations/{kept}/export?format=json");
        var imported = await _client.PostAsync("/api/conversations/import", new StringContent(export, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, imported.StatusCode);

        var asked = await ChatAsync(new { message = "What does my tortoise Gus eat?" });

        Assert.Empty(asked.GetProperty("sources").EnumerateArray());
        Assert.DoesNotContain("dandelions", (await Turns.PrepareAsync(new ChatRequest("Gus the tortoise"), AnswerOwner.Client, CancellationToken.None)).Prompt.Text);
    }

    [Fact]
    public async Task A_deleted_conversation_is_no_longer_remembered()
    {
        var told = ConversationId(await ChatAsync(new { message = "My cat Miso sleeps on the piano" }));
        Assert.Single((await ChatAsync(new { message = "Where does my cat sleep?" })).GetProperty("sources").EnumerateArray());

        Assert.Equal(HttpStatusCode.NoContent, (await _client.DeleteAsync($"/api/conversations/{told}")).StatusCode);

        var asked = await ChatAsync(new { message = "Where does my cat sleep?" });
        Assert.DoesNotContain(
            asked.GetProperty("sources").EnumerateArray(),
            s => s.GetProperty("conversation_id").GetString() == told);
        Assert.DoesNotContain("sleeps on the piano", (await Turns.PrepareAsync(new ChatRequest("my cat and the piano"), AnswerOwner.Client, CancellationToken.None)).Prompt.Text);
    }

    [Fact]
    public async Task A_conversation_is_not_reminded_of_itself()
    {
        var first = await ChatAsync(new { message = "My bike is a red Gazelle" });

        var followUp = await ChatAsync(new { message = "What colour is my bike?", conversation_id = ConversationId(first) });

        Assert.Empty(followUp.GetProperty("sources").EnumerateArray());
    }

    [Fact]
    public async Task A_conversation_that_began_with_memories_adds_none_once_its_budget_is_spent()
    {
        // Six long exchanges alike in length: fewer than three fit the budget, so the first turn spends it.
        const string Garden = "under the old apple tree behind the garden shed";
        for (int i = 1; i <= 6; i++)
        {
            await ChatAsync(new { message = $"My pig Max buried bone number {i} {Garden}" });
        }

        var first = await ChatAsync(new { message = "Where did my pig Max bury his bones?" });
        var followUp = await ChatAsync(new { message = "Which bones did my pig Max bury in the garden?", conversation_id = ConversationId(first) });

        int remembered = first.GetProperty("sources").GetArrayLength();
        Assert.InRange(remembered, 1, 2);
        Assert.Empty(followUp.GetProperty("sources").EnumerateArray());

        // One that began without them still finds them when a question asks.
        var greeted = await ChatAsync(new { message = "Hello" });
        var asked = await ChatAsync(new { message = "Where did my pig Max bury his bones?", conversation_id = ConversationId(greeted) });
        Assert.Equal(remembered, asked.GetProperty("sources").GetArrayLength());
    }

    [Fact]
    public async Task A_message_sharing_only_everyday_words_with_an_exchange_does_not_bring_it_back()
    {
        await ChatAsync(new { message = "I picked it up at the shop and then I went back home" });

        var asked = await ChatAsync(new { message = "Look up what you think about things" });

        Assert.Empty(asked.GetProperty("sources").EnumerateArray());
    }

    [Fact]
    public async Task Reasoning_mode_answers_without_memories()
    {
        await ChatAsync(new { message = "My favourite number is seventeen" });

        var asked = await ChatAsync(new { message = "Is my favourite number seventeen prime?", mode = "reasoning" });

        Assert.Equal("reasoning", asked.GetProperty("mode_used").GetString());
        Assert.Empty(asked.GetProperty("sources").EnumerateArray());
    }

    [Theory]
    [InlineData("\" OR * NEAR( ferret")]
    [InlineData("AND OR NOT")]
    [InlineData("^ferret* :col \"unterminated")]
    [InlineData("🐕 🐕‍🦺")]
    public async Task Messages_that_look_like_search_syntax_are_answered_normally(string message)
    {
        await ChatAsync(new { message = "My ferret Zorro loves hiding socks" });

        var response = await _client.PostAsync("/chat", Sse.Json(new { message }));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("ok").GetBoolean());
    }

    private TurnPreparation Turns => _edison.Services.GetRequiredService<TurnPreparation>();

    private static string ConversationId(JsonElement answer) => answer.GetProperty("conversation_id").GetString()!;

    private Task<JsonElement> ChatAsync(object body) => ChatJson.PostAsync(_client, body);
}
