using System.ClientModel;
using System.ClientModel.Primitives;
using System.Text;
using Edison.Tests.TestSupport;
using OpenAI;
using OpenAI.Chat;

namespace Edison.Tests.Web.OpenAi;

/// <summary>The official OpenAI .NET SDK talks to Edison unchanged, streamed and not, on the real model.</summary>
public sealed class OpenAiSdkTests(OpenAiSdkTests.Host host) : IClassFixture<OpenAiSdkTests.Host>
{
    private readonly HttpClient _http = host.Client;
    private readonly ChatClient _chat = new(
        "story",
        new ApiKeyCredential("not-checked-on-loopback"),
        new OpenAIClientOptions { Endpoint = new Uri(host.Client.BaseAddress!, "/v1"), Transport = new HttpClientPipelineTransport(host.Client) });

    /// <summary>Clients of /v1 keep their own history: Edison stores nothing one test could find from another.</summary>
    public sealed class Host() : SharedEdison(new EdisonFactory(TestModels.Story));

    [Fact]
    public async Task A_whole_completion_has_the_answer_the_finish_reason_and_the_usage()
    {
        ChatCompletion completion = await _chat.CompleteChatAsync(
            [new SystemChatMessage("You tell stories."), new UserChatMessage("Tell me a story")],
            new ChatCompletionOptions { Temperature = 0 });

        Assert.Equal(TestModels.StoryAnswer, completion.Content[0].Text);
        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
        Assert.Equal(ChatMessageRole.Assistant, completion.Role);
        Assert.Equal("story", completion.Model);
        Assert.StartsWith("chatcmpl-", completion.Id);
        Assert.True(completion.Usage.InputTokenCount > 5, $"prompt tokens {completion.Usage.InputTokenCount}");
        Assert.True(completion.Usage.OutputTokenCount > 5, $"completion tokens {completion.Usage.OutputTokenCount}");
        Assert.Equal(completion.Usage.InputTokenCount + completion.Usage.OutputTokenCount, completion.Usage.TotalTokenCount);
    }

    [Fact]
    public async Task A_streamed_completion_arrives_in_pieces_that_make_the_same_answer()
    {
        var text = new StringBuilder();
        var updates = 0;
        ChatFinishReason? finish = null;
        ChatTokenUsage? usage = null;
        string? id = null;

        await foreach (var update in _chat.CompleteChatStreamingAsync([new UserChatMessage("Tell me a story")]))
        {
            updates++;
            id ??= update.CompletionId;
            Assert.Equal(id, update.CompletionId);
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }

            finish = update.FinishReason ?? finish;
            usage = update.Usage ?? usage;
        }

        Assert.Equal(TestModels.StoryAnswer, text.ToString());
        Assert.True(updates > 5, $"expected a piece per token, got {updates} updates");
        Assert.Equal(ChatFinishReason.Stop, finish);
        Assert.NotNull(usage);
        Assert.True(usage.OutputTokenCount > 5);
    }

    [Fact]
    public async Task An_answer_cut_by_the_token_limit_finishes_with_length()
    {
        ChatCompletion completion = await _chat.CompleteChatAsync(
            [new UserChatMessage("Tell me a story")],
            new ChatCompletionOptions { MaxOutputTokenCount = 3 });

        Assert.Equal(ChatFinishReason.Length, completion.FinishReason);
        Assert.Equal(3, completion.Usage.OutputTokenCount);
        var text = completion.Content[0].Text;
        Assert.True(text.Length > 0 && text.Length < TestModels.StoryAnswer.Length && TestModels.StoryAnswer.StartsWith(text, StringComparison.Ordinal), text);
    }

    [Fact]
    public async Task A_bad_request_is_an_OpenAI_error_the_SDK_reports()
    {
        var error = await Assert.ThrowsAsync<ClientResultException>(() => _chat.CompleteChatAsync(
            [new UserChatMessage("hi")], new ChatCompletionOptions { Temperature = 7 }));

        Assert.Equal(400, error.Status);
        Assert.Contains("\"temperature\" must be between 0 and 2", error.Message);
    }

    [Fact]
    public async Task The_models_list_names_the_loaded_model()
    {
        var models = new OpenAIClient(
            new ApiKeyCredential("not-checked-on-loopback"),
            new OpenAIClientOptions { Endpoint = new Uri(_http.BaseAddress!, "/v1"), Transport = new HttpClientPipelineTransport(_http) })
            .GetOpenAIModelClient();

        var list = (await models.GetModelsAsync()).Value;

        Assert.Equal(["story"], list.Select(m => m.Id));
        Assert.Equal("edison", list[0].OwnedBy);
    }
}
