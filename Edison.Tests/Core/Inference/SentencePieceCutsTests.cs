using System.Diagnostics;
using System.Text;
using Edison.Core.Inference.Prompts;
using Edison.Tests.TestSupport;
using LLama;
using LLama.Common;

namespace Edison.Tests.Core.Inference;

/// <summary>
/// Long content is read in pieces, so that a pasted run of characters the vocabulary spells in bytes costs time in
/// proportion to its length; the model still reads exactly the tokens llama.cpp gives for the whole text.
/// </summary>
public sealed class SentencePieceCutsTests
{
    public static TheoryData<string, string> Texts()
    {
        var random = new Random(7);
        string Repeated(string unit, int times) => string.Concat(Enumerable.Repeat(unit, times));
        string RandomText(int length, int from, int to) => new([.. Enumerable.Range(0, length).Select(_ => (char)random.Next(from, to))]);
        var data = new TheoryData<string, string>();
        foreach (var model in new[] { "greeting", "story", "sensitive", "endless" })
        {
            data.Add(model, new string('a', 5_000));
            data.Add(model, Repeated("a ", 2_500));
            data.Add(model, Repeated(" oo", 1_700));
            data.Add(model, Repeated("and on and on it went ", 250));
            data.Add(model, "  " + Repeated("a  ", 1_000) + Repeated("\u2581a", 500));
            data.Add(model, Repeated("Hello, world! 🦙 Once upon a time a llama from 日本 wrote a story. ", 60));
            data.Add(model, new string('~', 5_000));
            data.Add(model, "x" + new string('\n', 5_000));
            data.Add(model, new string('\u9fa5', 3_000));
            data.Add(model, Repeated("🦙", 2_000));
            data.Add(model, Repeated("a\u2581b ", 1_500));
            data.Add(model, Repeated("Hello", 1_200));
            data.Add(model, RandomText(6_000, 32, 127));
            data.Add(model, RandomText(4_000, 0x20, 0x3000));
            data.Add(model, " " + new string('~', 700) + " \ud800" + new string('~', 700));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Texts))]
    public void Long_content_reads_as_the_tokens_llama_cpp_gives_for_the_whole_text(string model, string text)
    {
        using var weights = Load(model);
        var tokens = new ControlTokens(weights, new AnswerTokens());

        var ours = tokens.Tokenize(PromptText.Content(text));
        var whole = weights.Tokenize(text, add_bos: weights.Vocab.ShouldAddBOS, special: false, Encoding.UTF8);

        Assert.Equal(whole.Select(t => (int)t), ours.Select(t => (int)t));
    }

    [Theory]
    [InlineData("greeting", "~")]
    [InlineData("endless", "a")]
    [InlineData("endless", "a ")]
    [InlineData("endless", "and on and on it went ")]
    public void A_long_run_of_characters_spelt_in_bytes_is_read_in_linear_time(string model, string unit)
    {
        using var weights = Load(model);
        var tokens = new ControlTokens(weights, new AnswerTokens());
        var run = string.Concat(Enumerable.Repeat(unit, 200_000 / unit.Length));

        var clock = Stopwatch.StartNew();
        int count = tokens.CountContent(run);

        // llama.cpp alone takes seconds for such a run: its byte-token output grows by one exact reservation at a time.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"reading {run.Length} characters took {clock.Elapsed.TotalSeconds:F2} s");
        Assert.True(count >= run.Length / unit.Length, $"{count} tokens for {run.Length} characters");
    }

    private static LLamaWeights Load(string model) => LLamaWeights.LoadFromFile(new ModelParams(model switch
    {
        "greeting" => TestModels.Greeting,
        "story" => TestModels.Story,
        "endless" => TestModels.Endless,
        _ => TestModels.Sensitive,
    })
    {
        VocabOnly = true,
    });
}
