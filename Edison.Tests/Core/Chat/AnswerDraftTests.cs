using Edison.Core.Chat;
using Microsoft.Extensions.AI;

namespace Edison.Tests.Core.Chat;

/// <summary>An answer read as the model writes it: what is stored and what its followers are sent.</summary>
public sealed class AnswerDraftTests
{
    [Fact]
    public void An_agents_thinking_before_and_after_a_call_reads_as_two_paragraphs_stored_and_streamed()
    {
        var draft = new AnswerDraft(continued: null, TimeProvider.System);
        var arguments = new Dictionary<string, object?> { ["expression"] = "2+2" };

        draft.Take(Update(new TextReasoningContent("\nI should add them.")));
        draft.Take(Update(new FunctionCallContent("call_1", "calculator", arguments)));
        draft.Take(Update(new FunctionResultContent("call_1", "4")));
        var secondRound = draft.Take(Update(new TextReasoningContent("\nThe tool says 4.")));
        draft.Take(Update(new TextContent("It is 4.")));

        Assert.Equal("I should add them.\n\nThe tool says 4.", draft.ThoughtOrNull);
        Assert.Equal("\n\nThe tool says 4.", Assert.IsType<TextReasoningContent>(Assert.Single(secondRound!.Contents)).Text);
        Assert.Equal("It is 4.", draft.Text.ToString());
    }

    private static ChatResponseUpdate Update(AIContent content) => new(ChatRole.Assistant, [content]);
}
