using Edison.Core.Inference.Engine;
using Edison.Core.Inference.Prompts;

namespace Edison.Tests.Core.Inference;

/// <summary>A thinking model is known by its template and its vocabulary, and its text is parted however it is cut.</summary>
public sealed class ThinkingFormatTests
{
    // The endings of the templates as published (Qwen3, QwQ, DeepSeek-R1-Distill), where they write the answer's turn.
    private const string Qwen3 =
        "{%- for message in messages %}{%- if message.role == \"assistant\" %}{{- '<|im_start|>' + message.role + '\\n<think>\\n' + reasoning_content.strip('\\n') + '\\n</think>\\n\\n' + content.lstrip('\\n') }}{%- endif %}{%- endfor %}\n" +
        "{%- if add_generation_prompt %}\n    {{- '<|im_start|>assistant\\n' }}\n    {%- if enable_thinking is defined and enable_thinking is false %}\n        {{- '<think>\\n\\n</think>\\n\\n' }}\n    {%- endif %}\n{%- endif %}";

    private const string QwQ =
        "{%- for message in messages %}{%- if message.role == \"assistant\" %}{%- set content = message.content.split('</think>')[-1].lstrip('\\n') %}{%- endif %}{%- endfor %}\n" +
        "{%- if add_generation_prompt %}\n    {{- '<|im_start|>assistant\\n<think>\\n' }}\n{%- endif %}";

    private const string R1Distill =
        "{% for message in messages %}{% if message['role'] == 'assistant' %}{% set content = message['content'].split('</think>')[-1] %}{{'<｜Assistant｜>' + content + '<｜end▁of▁sentence｜>'}}{% endif %}{% endfor %}" +
        "{% if add_generation_prompt and not ns.is_tool %}{{'<｜Assistant｜><think>\\n'}}{% endif %}";

    // gpt-oss's template, where it writes an earlier answer and the answer's turn.
    private const string GptOss =
        "{%- if message.role == 'assistant' -%}{{- \"<|start|>assistant<|channel|>final<|message|>\" + message.content + \"<|end|>\" }}{%- endif -%}\n" +
        "{#- Generation prompt #}\n{%- if add_generation_prompt -%}\n<|start|>assistant\n{%- endif -%}";

    private const string Llama3 =
        "{% for message in messages %}{{ '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n' + message['content'] | trim + '<|eot_id|>' }}{% endfor %}" +
        "{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{% endif %}";

    [Fact]
    public void Qwen3_opens_its_own_thinking_and_can_be_told_not_to_think()
    {
        var format = ThinkingFormat.Read(Qwen3, _ => true);

        Assert.NotNull(format);
        Assert.Null(format.Opening);
        Assert.Equal("<think>\n\n</think>\n\n", format.Off);
    }

    [Theory]
    [InlineData(QwQ)]
    [InlineData(R1Distill)]
    public void A_template_that_opens_the_thinking_is_known_and_cannot_turn_it_off(string template)
    {
        var format = ThinkingFormat.Read(template, _ => true);

        Assert.NotNull(format);
        Assert.Equal("<think>\n", format.Opening);
        Assert.Null(format.Off);
    }

    [Fact]
    public void A_model_without_think_in_its_template_or_its_vocabulary_does_not_think()
    {
        Assert.Null(ThinkingFormat.Read(Llama3, _ => true));
        Assert.Null(ThinkingFormat.Read(null, _ => true));
        Assert.Null(ThinkingFormat.Read(Qwen3, text => text != "</think>"));
    }

    [Fact]
    public void Markup_cut_anywhere_never_reaches_either_channel()
    {
        var format = new ThinkingFormat("<think>", "</think>", null, null);
        var text = "\n<think>\nI should say hello.\n</think>\n\nHello!";

        for (int cut = 1; cut < text.Length; cut++)
        {
            var splitter = new ThinkingSplitter(format, startsThinking: false);
            var pieces = splitter.Push(text[..cut]).Concat(splitter.Push(text[cut..])).Concat(splitter.Flush()).ToList();

            Assert.Equal("I should say hello.", string.Concat(pieces.Where(p => p.IsThinking).Select(p => p.Text)));
            Assert.Equal("Hello!", string.Concat(pieces.Where(p => !p.IsThinking).Select(p => p.Text)));
        }
    }

    [Fact]
    public void A_model_that_answers_without_opening_its_thinking_answers_and_thinking_opened_later_is_thinking_too()
    {
        var format = new ThinkingFormat("<think>", "</think>", null, null);
        var answering = new ThinkingSplitter(format, startsThinking: false);
        var opened = new ThinkingSplitter(format, startsThinking: true);

        var answer = answering.Push("  <b>Hello</b> <thi").Concat(answering.Push("nk>second thoughts</think> Bye")).Concat(answering.Flush()).ToList();
        var thought = opened.Push("cut off while thinking </th").Concat(opened.Flush()).ToList();

        Assert.Equal([("<b>Hello</b> ", false), ("second thoughts", true), ("Bye", false)], answer);
        Assert.Equal("cut off while thinking </th", string.Concat(thought.Select(p => p.Text)));
        Assert.All(thought, p => Assert.True(p.IsThinking));
    }

    [Fact]
    public void Gpt_oss_is_known_by_its_channels_and_cannot_turn_its_thinking_off()
    {
        var format = ThinkingFormat.Read(GptOss, _ => true);

        Assert.NotNull(format);
        Assert.Equal("<|channel|>analysis<|message|>", format.Open);
        Assert.Equal("<|end|>", format.Close);
        Assert.Null(format.Off);
        Assert.Null(format.Opening);
        Assert.Null(ThinkingFormat.Read(GptOss, text => text != "<|channel|>"));
    }

    [Theory]
    [InlineData("<|channel|>analysis<|message|>I should say hello.<|end|><|start|>assistant<|channel|>final<|message|>Hello!", "I should say hello.")]
    [InlineData("<|channel|>final<|message|>Hello!", "")]
    public void Harmony_cut_anywhere_parts_the_analysis_channel_from_the_final_one(string text, string thought)
    {
        for (int cut = 1; cut < text.Length; cut++)
        {
            var splitter = new ThinkingSplitter(ThinkingFormat.Harmony, startsThinking: false);
            var pieces = splitter.Push(text[..cut]).Concat(splitter.Push(text[cut..])).Concat(splitter.Flush()).ToList();

            Assert.Equal(thought, string.Concat(pieces.Where(p => p.IsThinking).Select(p => p.Text)));
            Assert.Equal("Hello!", string.Concat(pieces.Where(p => !p.IsThinking).Select(p => p.Text)));
        }
    }

    [Theory]
    [InlineData("Hello </think>world", "<think>", "</think>")]
    [InlineData("Hello <|end|>world<|message|>", "<|channel|>analysis<|message|>", "<|end|>")]
    [InlineData("Hello world<|channel|>", "<|channel|>analysis<|message|>", "<|end|>")]
    public void A_marker_astray_in_the_answer_is_dropped_and_never_answer_text(string text, string open, string close)
    {
        var format = open == "<think>" ? new ThinkingFormat(open, close, null, null) : ThinkingFormat.Harmony;
        for (int cut = 1; cut < text.Length; cut++)
        {
            var splitter = new ThinkingSplitter(format, startsThinking: false);
            var pieces = splitter.Push(text[..cut]).Concat(splitter.Push(text[cut..])).Concat(splitter.Flush()).ToList();

            Assert.Equal("Hello world", string.Concat(pieces.Where(p => !p.IsThinking).Select(p => p.Text)));
            Assert.DoesNotContain(pieces, p => p.IsThinking);
        }
    }

    [Theory]
    [InlineData("<|channel|>analysis")]
    [InlineData("<|channel|>analysis<|message|>I think<|end|><|start|>")]
    public void Markup_the_text_ends_in_before_any_answer_is_no_answer(string text)
    {
        var splitter = new ThinkingSplitter(ThinkingFormat.Harmony, startsThinking: false);

        var pieces = splitter.Push(text).Concat(splitter.Flush()).ToList();

        Assert.DoesNotContain(pieces, p => !p.IsThinking);
    }

    [Theory]
    [InlineData("<|channel|>analysis<|message|>Call it.<|end|><|start|>assistant<|channel|>commentary to=functions.get_weather <|constrain|>json<|message|>{\"city\": \"Paris\"}", "Call it.")]
    [InlineData("<|channel|>analysis<|message|>Call it.<|end|><|start|>assistant to=functions.get_weather<|channel|>commentary json<|message|>{\"city\": \"Paris\"}", "Call it.")]
    [InlineData(" to=functions.get_weather<|channel|>commentary json<|message|>{\"city\": \"Paris\"}", "")]
    public void A_harmony_call_cut_anywhere_reaches_the_answer_whole_from_where_it_is_addressed(string text, string thought)
    {
        for (int cut = 1; cut < text.Length; cut++)
        {
            var splitter = new ThinkingSplitter(ThinkingFormat.Harmony, startsThinking: false);
            var pieces = splitter.Push(text[..cut]).Concat(splitter.Push(text[cut..])).Concat(splitter.Flush()).ToList();

            Assert.Equal(thought, string.Concat(pieces.Where(p => p.IsThinking).Select(p => p.Text)));
            var answer = string.Concat(pieces.Where(p => !p.IsThinking).Select(p => p.Text));
            Assert.StartsWith(ThinkingFormat.HarmonyCall + "functions.get_weather", answer);
            Assert.EndsWith("<|message|>{\"city\": \"Paris\"}", answer);
        }
    }
}
