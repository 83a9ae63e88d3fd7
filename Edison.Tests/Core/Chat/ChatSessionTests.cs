using Edison.Core.Chat;
using Edison.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Edison.Tests.Core.Chat;

/// <summary>One cancellation per reply: a new send, opening another conversation and disposal all end it.</summary>
public sealed class ChatSessionTests : ChatPageContext
{
    [Fact]
    public async Task Opening_another_conversation_ends_the_reply_being_written()
    {
        var session = Services.GetRequiredService<ChatSession>();
        var reply = session.SendAsync("hi", new ChatSettings());
        await Eventually.WaitUntilAsync(() => Engine.ActiveGenerations == 1);
        var answer = session.Messages[1];

        await session.OpenAsync(Guid.NewGuid(), CancellationToken.None);
        await reply;

        Assert.Equal(0, Engine.ActiveGenerations);
        Assert.Equal(ChatMessageState.Stopped, answer.State);
        Assert.Empty(session.Messages);
    }

    [Fact]
    public async Task A_new_send_ends_the_previous_reply_and_starts_its_own()
    {
        var session = Services.GetRequiredService<ChatSession>();
        var first = session.SendAsync("first", new ChatSettings());
        await Eventually.WaitUntilAsync(() => Engine.ActiveGenerations == 1);

        // Not remembered, so no title is asked for after the answer.
        var second = session.SendAsync("second", new ChatSettings { Remember = false });
        await first;
        Engine.Write("answer two");
        Engine.EndAnswer();
        await second;

        Assert.Equal(ChatMessageState.Stopped, session.Messages[1].State);
        Assert.Equal(ChatMessageState.Completed, session.Messages[3].State);
        Assert.Equal("answer two", session.Messages[3].Content);
    }

    [Fact]
    public async Task Disposing_the_session_with_its_circuit_ends_the_reply()
    {
        var session = Services.GetRequiredService<ChatSession>();
        var reply = session.SendAsync("hi", new ChatSettings());
        await Eventually.WaitUntilAsync(() => Engine.ActiveGenerations == 1);

        session.Dispose();
        await reply;

        Assert.Equal(0, Engine.ActiveGenerations);
        Assert.Equal(ChatMessageState.Stopped, session.Messages[1].State);
    }
}
