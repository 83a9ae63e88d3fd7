using System.Net.Http.Json;
using System.Text.Json;
using Edison.Core.Chat;
using Edison.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Edison.Tests.Features.Thinking;

/// <summary>A thinking answer's thinking is kept with it, exported and imported with it, and never read into the next turn.</summary>
public sealed class StoredThinkingTests
{
    [Fact]
    public async Task The_thinking_is_stored_apart_from_the_answer_and_survives_a_restart()
    {
        var data = Directory.CreateTempSubdirectory("edison-thinking-").FullName;
        string id;
        await using (var edison = new EdisonFactory(TestModels.Thinking, data))
        {
            var client = await edison.CreateReadyClientAsync();
            var done = await (await client.PostAsync("/chat", Sse.Json(new { message = "What is the capital of France?" }))).Content.ReadFromJsonAsync<JsonElement>();
            id = done.GetProperty("conversation_id").GetString()!;
        }

        await using (var restarted = new EdisonFactory(TestModels.Thinking, data))
        {
            var client = await restarted.CreateReadyClientAsync();
            var answer = (await client.GetFromJsonAsync<JsonElement>($"/api/conversations/{id}")).GetProperty("messages")[1];

            Assert.Equal(TestModels.ThoughtAnswer, answer.GetProperty("content").GetString());
            Assert.Equal(TestModels.Thought, answer.GetProperty("details").GetProperty("reasoning").GetString());
        }
    }

    [Fact]
    public async Task The_next_turn_reads_the_answer_without_its_thinking()
    {
        await using var edison = new EdisonFactory(TestModels.Thinking);
        var client = await edison.CreateReadyClientAsync();
        var done = await (await client.PostAsync("/chat", Sse.Json(new { message = "What is the capital of France?" }))).Content.ReadFromJsonAsync<JsonElement>();
        var id = done.GetProperty("conversation_id").GetString();

        var next = await edison.Services.GetRequiredService<TurnPreparation>()
            .PrepareAsync(new ChatRequest("And of Italy?", ConversationId: id), AnswerOwner.Client, CancellationToken.None);

        Assert.Contains(TestModels.ThoughtAnswer, next.Prompt.Text);
        Assert.DoesNotContain("I recall it", next.Prompt.Text);
        Assert.DoesNotContain("<think>", next.Prompt.Text);
    }

    [Fact]
    public async Task Export_carries_the_thinking_and_import_brings_it_back()
    {
        await using var edison = new EdisonFactory(TestModels.Thinking);
        var client = await edison.CreateReadyClientAsync();
        var done = await (await client.PostAsync("/chat", Sse.Json(new { message = "What is the capital of France?" }))).Content.ReadFromJsonAsync<JsonElement>();
        var id = done.GetProperty("conversation_id").GetString();

        var file = await client.GetStringAsync($"/api/conversations/{id}/export");
        var markdown = await client.GetStringAsync($"/api/conversations/{id}/export?format=md");
        var imported = await (await client.PostAsync("/api/conversations/import", new StringContent(file, System.Text.Encoding.UTF8, "application/json")))
            .Content.ReadFromJsonAsync<JsonElement>();
        var copy = await client.GetFromJsonAsync<JsonElement>($"/api/conversations/{imported.GetProperty("conversation_id").GetString()}");

        Assert.Contains($"<details><summary>Thought</summary>\n\n{TestModels.Thought}\n\n</details>\n\n{TestModels.ThoughtAnswer}", markdown);
        Assert.Equal(TestModels.Thought, copy.GetProperty("messages")[1].GetProperty("details").GetProperty("reasoning").GetString());
    }
}
