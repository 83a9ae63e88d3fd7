using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Edison.Tests.TestSupport;

namespace Edison.Tests.Features.Images;

/// <summary>
/// Images through a real projector: a PNG sent to <c>/chat/stream</c> or to <c>/v1</c> as an <c>image_url</c> is
/// decoded and encoded by llama.cpp's vision path into image tokens in the prompt, and answered; an image answer runs
/// beside plain ones in the batching engine without disturbing them.
/// </summary>
public sealed class ImageAnswerTests(ImageAnswerTests.Host host) : IClassFixture<ImageAnswerTests.Host>
{
    private static readonly string Photo = TestImages.DataUrl(TestImages.Png(40, 30, (200, 120, 40)));

    private readonly HttpClient _client = host.Client;

    /// <summary>A model that never ends its answer, so that answers overlap for as long as their token limits say.</summary>
    public sealed class Host() : SharedEdison(new EdisonFactory(TestModels.Endless, contextSize: 1024, settings: new Dictionary<string, string?>
    {
        ["Edison:Model:MultimodalProjectorPath"] = TestModels.Projector,
        ["Edison:Memory:Enabled"] = "false",
        ["Edison:RateLimit:ConcurrentPerClient"] = "0",
    }));

    [Fact]
    public async Task An_image_sent_to_chat_stream_becomes_image_tokens_in_the_prompt_and_is_answered()
    {
        var plain = await StreamAsync(new { message = "what is this?", max_tokens = 12 });
        var withImage = await StreamAsync(new { message = "what is this?", max_tokens = 12, images = new[] { Photo } });

        Assert.True(withImage.Done.GetProperty("ok").GetBoolean(), withImage.Done.ToString());
        Assert.Equal(plain.Text, withImage.Text);
        Assert.StartsWith("and on and on", withImage.Text);

        // The image's own tokens, and the text around its marker, which llama.cpp reads as pieces of its own.
        int added = PromptTokens(withImage.Done) - PromptTokens(plain.Done);
        Assert.True(added >= TestModels.ImageTokens, $"the image added {added} prompt tokens");
    }

    [Fact]
    public async Task An_image_url_sent_to_v1_is_seen_and_answered()
    {
        var response = await _client.PostAsync("/v1/chat/completions", Sse.Json(new
        {
            model = "endless",
            max_tokens = 12,
            messages = new object[]
            {
                new
                {
                    role = "user",
                    content = new object[]
                    {
                        new { type = "text", text = "what is this?" },
                        new { type = "image_url", image_url = new { url = Photo } },
                    },
                },
            },
        }));

        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToString());
        Assert.StartsWith("and on and on", body.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
        Assert.True(body.GetProperty("usage").GetProperty("prompt_tokens").GetInt32() > TestModels.ImageTokens);
    }

    [Fact]
    public async Task A_message_that_spells_out_the_image_marker_places_no_image_and_breaks_nothing()
    {
        var marker = "<__media__>";
        var asked = await StreamAsync(new { message = $"what does {marker} mean in llama.cpp?", max_tokens = 12, images = new[] { Photo } });

        var response = await _client.PostAsync("/v1/chat/completions", Sse.Json(new
        {
            model = "endless",
            max_tokens = 12,
            messages = new object[]
            {
                new { role = "user", content = $"remember this: {marker}{marker}" },
                new { role = "assistant", content = "I will." },
                new { role = "user", content = new object[] { new { type = "text", text = "and this photo?" }, new { type = "image_url", image_url = new { url = Photo } } } },
            },
        }));

        Assert.True(asked.Done.GetProperty("ok").GetBoolean(), asked.Done.ToString());
        Assert.StartsWith("and on and on", asked.Text);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_image_answer_runs_beside_plain_ones_and_each_gets_its_own_whole_answer()
    {
        var alone = await StreamAsync(new { message = "tell me more", max_tokens = 40 });

        var together = await Task.WhenAll(
            StreamAsync(new { message = "tell me more", max_tokens = 40 }),
            StreamAsync(new { message = "what is this?", max_tokens = 40, images = new[] { Photo, TestImages.DataUrl(TestImages.Png(8, 64, (0, 90, 255))) } }),
            StreamAsync(new { message = "tell me more", max_tokens = 40 }));

        Assert.All(together, answer => Assert.True(answer.Done.GetProperty("ok").GetBoolean(), answer.Done.ToString()));
        Assert.All(together, answer => Assert.Equal(alone.Text, answer.Text));
        Assert.All(together, answer => Assert.Equal("length", answer.Done.GetProperty("finish_reason").GetString()));
    }

    private async Task<(string Text, JsonElement Done)> StreamAsync(object body)
    {
        var response = await _client.PostAsync("/chat/stream", Sse.Json(body));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var events = await Sse.ParseAsync(await response.Content.ReadAsStreamAsync());
        var text = string.Concat(events.Where(e => e.EventType == "token").Select(Sse.TokenText));
        return (text, Sse.Data(Assert.Single(events, e => e.EventType == "done")));
    }

    private static int PromptTokens(JsonElement done) => done.GetProperty("usage").GetProperty("prompt_tokens").GetInt32();
}
