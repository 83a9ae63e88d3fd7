using Edison.Core.Chat;
using Edison.Core.Inference.Prompts;
using Microsoft.Extensions.Options;

namespace Edison.Tests.Core.Chat;

/// <summary>What is wrong with a request is told before any model or store is asked, with what to change.</summary>
public sealed class ChatRequestValidatorTests
{
    private readonly ChatRequestValidator _validator = new(Options.Create(new ChatLimits { MaxMessageCharacters = 20, MaxConversationCharacters = 30 }));

    public static TheoryData<ChatRequest, string> Refused => new()
    {
        { new ChatRequest("   "), "\"message\" is required" },
        { new ChatRequest("hi", Temperature: 2.5f), "\"temperature\" must be between 0 and 2" },
        { new ChatRequest("hi", Temperature: float.NaN), "\"temperature\" must be between 0 and 2" },
        { new ChatRequest("hi") { TopP = 0 }, "\"top_p\" must be greater than 0" },
        { new ChatRequest("hi", Mode: "poetry"), "Unknown mode \"poetry\"" },
        { new ChatRequest("hi", ConversationId: "42"), "\"conversation_id\" must be a GUID" },
        { new ChatRequest("hi") { ParentId = 3 }, "\"parent_id\" is the id of a message in the conversation named by \"conversation_id\"" },
        { new ChatRequest(null, ConversationId: Guid.NewGuid().ToString()) { ContinueId = 7, ParentId = 3 }, "send no \"message\", images or \"parent_id\"" },
        { new ChatRequest(new string('a', 21)), "\"message\" is 21 characters long; Edison accepts at most 20" },
        { new ChatRequest("hi") { SystemPrompt = new string('s', 15), History = [new(ChatTurn.User, new string('u', 15))] }, "The conversation sent is 32 characters long" },
        { new ChatRequest("hi", Images: ["not an image"]), "image" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void A_request_Edison_will_not_run_is_refused_with_what_to_change(ChatRequest request, string reason)
    {
        var refusal = Assert.Throws<ChatRequestException>(() => _validator.Validate(request));

        Assert.Contains(reason, refusal.Message);
    }

    [Fact]
    public void A_request_that_passes_keeps_its_text_and_conversation_and_a_new_one_gets_its_own_id()
    {
        var named = Guid.NewGuid();

        var toNamed = _validator.Validate(new ChatRequest("hello", ConversationId: named.ToString(), Temperature: 2));
        var fresh = _validator.Validate(new ChatRequest("hello"));
        var again = _validator.Validate(new ChatRequest("hello"));

        Assert.Equal(("hello", named), (toNamed.Text, toNamed.ConversationId));
        Assert.NotEqual(Guid.Empty, fresh.ConversationId);
        Assert.NotEqual(fresh.ConversationId, again.ConversationId);
        Assert.Empty(fresh.Images);
    }
}
