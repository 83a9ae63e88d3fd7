using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using Edison.Tests.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Edison.Tests.Features.Images;

/// <summary>
/// A question sent with images keeps them: stored with it, shown by the API and the export, and sent to the model
/// again when the question is answered again or its answer continued. The model is a small OpenAI-compatible server on loopback that can see.
/// </summary>
public sealed class QuestionImagesTests(QuestionImagesTests.Host host) : IClassFixture<QuestionImagesTests.Host>
{
    private const string Photo = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUg==";

    private readonly HttpClient _client = host.Client;

    public sealed class Host : IAsyncLifetime
    {
        private WebApplication _model = null!;

        /// <summary>How many images each request the model received held.</summary>
        public ConcurrentQueue<int> ImagesReceived { get; } = new();

        public EdisonFactory Edison { get; private set; } = null!;

        public HttpClient Client { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            (_model, var url) = await LoopbackServer.StartAsync(app => app.MapPost("/v1/chat/completions", AnswerAsync));
            Edison = EdisonFactory.InFrontOf($"{url}/v1", new Dictionary<string, string?>
            {
                ["Edison:Engine:CanSeeImages"] = "true",
                ["Edison:Memory:Enabled"] = "false",
            });
            Client = await Edison.CreateReadyClientAsync();
        }

        public async Task DisposeAsync()
        {
            await Edison.DisposeAsync();
            await _model.StopAsync();
            await _model.DisposeAsync();
        }

        private async Task AnswerAsync(HttpContext context)
        {
            var request = await JsonSerializer.DeserializeAsync<JsonElement>(context.Request.Body);
            ImagesReceived.Enqueue(request.GetProperty("messages").EnumerateArray()
                .Where(m => m.GetProperty("content").ValueKind == JsonValueKind.Array)
                .SelectMany(m => m.GetProperty("content").EnumerateArray())
                .Count(part => part.GetProperty("type").GetString() == "image_url"));
            context.Response.ContentType = "text/event-stream";
            foreach (var chunk in new[] { "{\"content\":\"A robin.\"}", "{}" })
            {
                var finish = chunk == "{}" ? "\"stop\"" : "null";
                await context.Response.WriteAsync(
                    $"data: {{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"m\",\"choices\":[{{\"index\":0,\"delta\":{chunk},\"finish_reason\":{finish}}}]}}\n\n");
            }

            await context.Response.WriteAsync("data: [DONE]\n\n");
        }
    }

    [Fact]
    public async Task The_images_are_stored_with_the_question_exported_with_it_and_sent_again_when_it_is_answered_again_or_continued()
    {
        var first = await (await _client.PostAsJsonAsync("/chat", new { message = "What bird is this?", images = new[] { Photo } })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(first.GetProperty("ok").GetBoolean(), first.ToString());
        var id = first.GetProperty("conversation_id").GetString();

        var question = (await _client.GetFromJsonAsync<JsonElement>($"/api/conversations/{id}")).GetProperty("messages")[0];
        Assert.Equal([Photo], question.GetProperty("images").EnumerateArray().Select(i => i.GetString()));
        var again = await (await _client.PostAsJsonAsync("/chat", new { conversation_id = id, parent_id = question.GetProperty("id").GetInt64() })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(again.GetProperty("ok").GetBoolean(), again.ToString());
        var answer = (await _client.GetFromJsonAsync<JsonElement>($"/api/conversations/{id}")).GetProperty("messages")[1].GetProperty("id").GetInt64();
        var continued = await (await _client.PostAsJsonAsync("/chat", new { conversation_id = id, continue_id = answer })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(continued.GetProperty("ok").GetBoolean(), continued.ToString());
        Assert.Equal([1, 1, 1], host.ImagesReceived.TakeLast(3));
        Assert.Contains("with 1 image", await _client.GetStringAsync($"/api/conversations/{id}/export?format=md"));

        var exported = await _client.GetStringAsync($"/api/conversations/{id}/export?format=json");
        var imported = await (await _client.PostAsync("/api/conversations/import", new StringContent(exported, System.Text.Encoding.UTF8, "application/json"))).Content.ReadFromJsonAsync<JsonElement>();
        var copy = await _client.GetFromJsonAsync<JsonElement>($"/api/conversations/{imported.GetProperty("conversation_id").GetString()}");
        Assert.Equal([Photo], copy.GetProperty("messages")[0].GetProperty("images").EnumerateArray().Select(i => i.GetString()));
        Assert.False(copy.GetProperty("messages")[1].TryGetProperty("images", out _), "an answer has no images");
    }

    [Fact]
    public async Task A_file_whose_question_holds_something_other_than_an_image_is_refused_and_creates_nothing()
    {
        var before = await _client.GetStringAsync("/api/conversations");
        var file = new
        {
            format = "edison.conversation",
            messages = new object[]
            {
                new { id = 1, role = "user", content = "What bird is this?", images = new[] { "data:text/html;base64,PHNjcmlwdD4=" } },
                new { id = 2, parent_id = 1, role = "assistant", content = "A robin." },
            },
        };

        var response = await _client.PostAsJsonAsync("/api/conversations/import", file);

        Assert.Equal(400, (int)response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString();
        Assert.Contains("This file cannot be imported: Message 1:", error);
        Assert.Equal(before, await _client.GetStringAsync("/api/conversations"));
    }
}
