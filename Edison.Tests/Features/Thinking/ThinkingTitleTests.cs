using System.Net.Http.Json;
using System.Text.Json;
using Edison.Tests.TestSupport;

namespace Edison.Tests.Features.Thinking;

/// <summary>
/// A new conversation on a thinking model is named by the model's answer, not cut short by its thinking: the title's
/// stop at a line's end is the answer's, and the model is told not to think (or its thinking is closed at once).
/// </summary>
public sealed class ThinkingTitleTests
{
    [Theory]
    [MemberData(nameof(ThinkingChannelTests.ThinkingModels), MemberType = typeof(ThinkingChannelTests))]
    public async Task A_thinking_model_names_the_conversation_with_its_answer(string model)
    {
        await using var edison = new EdisonFactory(ThinkingChannelTests.PathOf(model));
        var client = await edison.CreateReadyClientAsync();
        var id = Guid.NewGuid();

        var response = await client.PostAsync("/chat/stream", Sse.Json(new { message = "What is the capital of France?", conversation_id = id, resumable = true }));
        await Sse.ParseAsync(await response.Content.ReadAsStreamAsync());

        string? title = null;
        await Eventually.WaitUntilAsync(async () =>
        {
            title = (await client.GetFromJsonAsync<JsonElement>($"/api/conversations/{id}")).GetProperty("title").GetString();
            return title != "What is the capital of France?";
        });
        Assert.Equal(TestModels.ThoughtAnswer, title);
    }
}
