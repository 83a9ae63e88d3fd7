using Microsoft.Extensions.AI;
using Edison.Core.Chat;
using Edison.Core.Conversations;
using Edison.Core.Inference.Models;
using Edison.Core.Inference.Prompts;
using Edison.Core.Modes;

namespace Edison.Tests.Core.Chat;

/// <summary>Steps of preparing a turn, each alone: no model loaded, no store, no host.</summary>
public sealed class TurnStepsTests
{
    private static readonly DateTimeOffset Asked = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_continued_answer_keeps_the_mode_it_was_written_in_whatever_the_request_asks()
    {
        var question = new StoredMessage(1, null, ChatTurn.User, "write a poem about rivers", Asked);
        var answer = new StoredMessage(2, 1, ChatTurn.Assistant, "The river", Asked) { Details = new AnswerDetails("work", true, [], true) };
        var conversation = new Conversation(Guid.NewGuid(), "poem", Asked, [question, answer]);
        var start = StartingPoint.From(new ChatRequest(null, Mode: "code") { ContinueId = 2 }, conversation, string.Empty);

        var mode = new ModeChoice(new ModeDetector()).For(new ChatRequest(null, Mode: "code") { ContinueId = 2 }, start);

        Assert.Equal(ChatMode.Find("work"), mode);
    }

    [Fact]
    public void A_mode_asked_for_wins_over_the_cues_and_auto_reads_them()
    {
        var start = StartingPoint.From(new ChatRequest("fix this python function"), stored: null, "fix this python function");
        var choice = new ModeChoice(new ModeDetector());

        Assert.Equal(ChatMode.Chat, choice.For(new ChatRequest("fix this python function", Mode: "chat"), start));
        Assert.Equal(ChatMode.Code, choice.For(new ChatRequest("fix this python function"), start));
    }

    [Fact]
    public void A_model_that_cannot_see_is_named_when_images_are_sent_and_max_tokens_is_held_to_its_context()
    {
        var model = new SizedModel(ContextSize: 512, CanSeeImages: false);
        var image = new ImageAttachment(ImageAttachment.Png, [1, 2, 3]);

        var blind = Assert.Throws<ChatRequestException>(() => ModelFit.MaxTokens(model, new GenerationOptions(), new ChatRequest("what is this?"), [image]));
        var tooLong = Assert.Throws<ChatRequestException>(() => ModelFit.MaxTokens(model, new GenerationOptions(), new ChatRequest("hi", MaxTokens: 513), []));

        Assert.Contains("This model (sized) cannot see images", blind.Message);
        Assert.Contains("between 1 and 512", tooLong.Message);
        Assert.Equal(200, ModelFit.MaxTokens(model, new GenerationOptions(), new ChatRequest("hi", MaxTokens: 200), []));
    }

    [Fact]
    public void A_message_that_cannot_fit_however_it_tokenizes_is_refused_before_it_is_read()
    {
        var model = new SizedModel(ContextSize: 512, CanSeeImages: false);

        ModelFit.RefuseUnfittable(model, new string('a', 384 * 16), answerRoom: 128);
        var refused = Assert.Throws<ChatRequestException>(() => ModelFit.RefuseUnfittable(model, new string('a', 384 * 16 + 1), answerRoom: 128));

        Assert.Contains("384 tokens", refused.Message);
    }

    [Fact]
    public void Thinking_is_off_only_where_the_model_can_be_told_so_and_the_reasoning_mode_keeps_it_on()
    {
        var canStop = new SizedModel(512, false, new ThinkingFormat("<think>", "</think>", Opening: null, Off: "<think>\n\n</think>\n\n"));
        var cannotStop = new SizedModel(512, false, new ThinkingFormat("<think>", "</think>", Opening: "<think>\n", Off: null));
        var offByDefault = new GenerationOptions { Think = false, MaxReasoningTokens = 99 };

        Assert.Equal((true, 99), ModelFit.Thinking(canStop, offByDefault, new ChatRequest("hi"), ChatMode.Chat));
        Assert.Equal((false, 99), ModelFit.Thinking(canStop, offByDefault, new ChatRequest("hi"), ChatMode.Reasoning));
        Assert.Equal((true, 99), ModelFit.Thinking(canStop, offByDefault, new ChatRequest("hi") { Think = false }, ChatMode.Reasoning));
        Assert.Equal((false, 99), ModelFit.Thinking(cannotStop, offByDefault, new ChatRequest("hi"), ChatMode.Chat));
        Assert.Equal((false, 7), ModelFit.Thinking(cannotStop, offByDefault, new ChatRequest("hi") { MaxReasoningTokens = 7 }, ChatMode.Chat));
        Assert.Equal((false, null), ModelFit.Thinking(new SizedModel(512, false), offByDefault, new ChatRequest("hi"), ChatMode.Chat));
        Assert.Throws<ChatRequestException>(() => ModelFit.Thinking(cannotStop, offByDefault, new ChatRequest("hi") { Think = false }, ChatMode.Chat));
        Assert.Throws<ChatRequestException>(() => ModelFit.Thinking(new SizedModel(512, false), offByDefault, new ChatRequest("hi") { Think = true }, ChatMode.Chat));
    }

    /// <summary>A model as far as a turn's limits read it: its name, context, vision and longest token; it formats nothing.</summary>
    private sealed record SizedModel(int ContextSize, bool CanSeeImages, ThinkingFormat? Thinking = null) : IChatModel
    {
        public string Name => "sized";

        public bool IsDemo => false;

        public DateTimeOffset LoadedAt => Asked;

        public IReadOnlyList<string> StopStrings => [];

        public int LongestTokenBytes => 16;

        public int CountTokens(string text) => throw new NotSupportedException();

        public int CountTokens(PromptText prompt) => throw new NotSupportedException();

        public bool CanCallTools => false;

        public PromptText Format(IReadOnlyList<ChatTurn> turns, bool thinkingOff = false, IReadOnlyList<AIFunctionDeclaration>? tools = null) => throw new NotSupportedException();
    }
}
