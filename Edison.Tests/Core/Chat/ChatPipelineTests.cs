using Edison.Core.Chat;
using Edison.Core.Conversations;
using Edison.Core.Modes;
using Edison.Tests.TestSupport;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Edison.Tests.Core.Chat;

/// <summary>The one pipeline, driven directly on the real model as the page's ChatSession will drive it.</summary>
public sealed class ChatPipelineTests : IAsyncLifetime
{
    private LayerHost _edison = null!;
    private ChatPipeline _pipeline = null!;
    private TurnPreparation _turns = null!;
    private IConversationStore _store = null!;

    public async Task InitializeAsync()
    {
        _edison = await LayerHost.CoreAsync(TestModels.Endless, contextSize: 4096);
        _pipeline = _edison.Services.GetRequiredService<ChatPipeline>();
        _turns = _edison.Services.GetRequiredService<TurnPreparation>();
        _store = _edison.Services.GetRequiredService<IConversationStore>();
    }

    public async Task DisposeAsync() => await _edison.DisposeAsync();

    [Fact]
    public async Task Stopping_mid_answer_ends_with_one_stopped_event_and_stores_nothing()
    {
        var prepared = await _turns.PrepareAsync(new ChatRequest("go", MaxTokens: 3000), AnswerOwner.Client, CancellationToken.None);
        using var stop = new CancellationTokenSource();
        var events = new List<ChatResponseUpdate>();

        await foreach (var chatEvent in _pipeline.RunAsync(prepared, stop.Token))
        {
            events.Add(chatEvent);
            if (events.Count == 3)
            {
                await stop.CancelAsync();
            }
        }

        Assert.Equal(3, events.Count(e => e.Contents is [TextContent]));
        Assert.Equal(ChatDone.WasStopped(), AnswerEnd.Of(events[^1]));
        Assert.Null(await _store.GetAsync(prepared.ConversationId, CancellationToken.None));
    }

    [Fact]
    public async Task Each_mode_answers_with_its_own_profile_and_the_request_temperature_wins()
    {
        var chat = await _turns.PrepareAsync(new ChatRequest("hello", Mode: "chat"), AnswerOwner.Client, CancellationToken.None);
        var code = await _turns.PrepareAsync(new ChatRequest("hello", Mode: "code"), AnswerOwner.Client, CancellationToken.None);
        var chosen = await _turns.PrepareAsync(new ChatRequest("hello", Mode: "code", Temperature: 1.3f), AnswerOwner.Client, CancellationToken.None);

        Assert.True(code.Options.Temperature < chat.Options.Temperature, "code samples more conservatively than chat");
        Assert.Contains(ChatMode.Code.SystemPrompt, code.Prompt.Text);
        Assert.DoesNotContain(ChatMode.Code.SystemPrompt, chat.Prompt.Text);
        Assert.Equal(1.3f, chosen.Options.Temperature);
    }

    [Fact]
    public async Task A_completed_answer_is_stored_with_the_user_message()
    {
        var prepared = await _turns.PrepareAsync(new ChatRequest("count to five", MaxTokens: 5), AnswerOwner.Client, CancellationToken.None);

        var done = await AnswerAsync(prepared, CancellationToken.None);

        var stored = await _store.GetAsync(prepared.ConversationId, CancellationToken.None);
        Assert.NotNull(stored);
        Assert.Equal(["count to five", done.Response], stored.Messages.Select(m => m.Content));
    }

    [Fact]
    public async Task The_history_of_a_conversation_goes_into_the_prompt()
    {
        var first = await _turns.PrepareAsync(new ChatRequest("my dog is called Rex", MaxTokens: 4), AnswerOwner.Client, CancellationToken.None);
        await AnswerAsync(first, CancellationToken.None);

        var second = await _turns.PrepareAsync(
            new ChatRequest("what is my dog called?", ConversationId: first.ConversationId.ToString(), MaxTokens: 4), AnswerOwner.Client,
            CancellationToken.None);

        Assert.Contains("my dog is called Rex", second.Prompt.Text);
        Assert.True(
            second.Prompt.Text.IndexOf("my dog is called Rex", StringComparison.Ordinal)
            < second.Prompt.Text.IndexOf("what is my dog called?", StringComparison.Ordinal));
    }

    private async Task<ChatDone> AnswerAsync(PreparedChat prepared, CancellationToken cancellationToken)
    {
        ChatDone? done = null;
        await foreach (var update in _pipeline.RunAsync(prepared, cancellationToken))
        {
            done = AnswerEnd.Of(update) ?? done;
        }

        return done!;
    }
}
