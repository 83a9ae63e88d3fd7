using Edison.Core.Gguf;
using Edison.Core.Inference.Tools;

namespace Edison.Tests.Core.Inference;

/// <summary>The model's calls read out of its text exactly: a string may spell the tags, a call cut off is no call.</summary>
public sealed class ToolCallParsingTests
{
    private static readonly ToolCallFormat Hermes = ToolCallFormat.Read(ChatMl.ToolsTemplate, _ => true)!;

    private static readonly ToolCallFormat Mistral = ToolCallFormat.Read(Edison.Core.Gguf.Mistral.Template, _ => true)!;

    [Fact]
    public void A_string_argument_that_spells_the_tags_stays_in_the_argument()
    {
        var calls = Hermes.Parse("<tool_call>\n{\"name\": \"note\", \"arguments\": {\"text\": \"write <tool_call> and </tool_call> like this\"}}\n</tool_call>");

        var call = Assert.Single(calls);
        Assert.Equal("note", call.Name);
        Assert.Equal("{\"text\": \"write <tool_call> and </tool_call> like this\"}", call.Arguments);
    }

    [Fact]
    public void Two_calls_are_two_and_a_third_cut_off_is_none()
    {
        var calls = Hermes.Parse(
            "<tool_call>\n{\"name\": \"a\", \"arguments\": {}}\n</tool_call>\n<tool_call>\n{\"name\": \"b\", \"arguments\": {\"x\": 1}}\n</tool_call>\n<tool_call>\n{\"name\": \"c\", \"argu");

        Assert.Equal(["a", "b"], calls.Select(call => call.Name));
        Assert.Equal(2, calls.Select(call => call.Id).Distinct().Count());
    }

    [Fact]
    public void Mistral_s_array_gives_each_call_with_fresh_ids_and_a_bracket_in_a_string_stays_in_it()
    {
        var calls = Mistral.Parse("[TOOL_CALLS] [{\"name\": \"a\", \"arguments\": {\"q\": \"x]y\"}, \"id\": \"abcdefghi\"}, {\"name\": \"b\", \"arguments\": {}}]");

        Assert.Equal(["a", "b"], calls.Select(call => call.Name));
        Assert.Equal("{\"q\": \"x]y\"}", calls[0].Arguments);
        Assert.All(calls, call => Assert.StartsWith("call_", call.Id));
    }

    [Theory]
    [InlineData("[TOOL_CALLS] [{\"name\": \"a\", \"arguments\": {}}, {\"name\": \"b\", \"argu")]
    [InlineData("[TOOL_CALLS] [{\"name\": \"a\", \"arguments\": \"not an object\"}]")]
    [InlineData("no call at all")]
    public void A_Mistral_array_cut_off_or_not_a_call_is_no_call(string text)
    {
        Assert.Empty(Mistral.Parse(text));
    }

    [Fact]
    public void Where_the_opener_is_a_control_token_text_that_spells_it_is_text()
    {
        var reader = new ToolCallReader(Mistral, openerIsControl: true);

        var released = reader.Push("Mistral writes [TOOL_CALLS] [{\"name\": \"a\", \"arguments\": {}}] before calls.");
        released += reader.Push("[TOOL_CALLS]", isControl: true);
        released += reader.Push(" [{\"name\": \"b\", \"arguments\": {}}]");
        var (rest, calls) = reader.Finish();

        Assert.Equal("Mistral writes [TOOL_CALLS] [{\"name\": \"a\", \"arguments\": {}}] before calls.", released + rest);
        Assert.Equal("b", Assert.Single(calls).Name);
    }
}
