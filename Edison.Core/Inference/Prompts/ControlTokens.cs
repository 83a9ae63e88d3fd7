using System.Text;
using LLama;
using Edison.Core.Inference.Tools;
using LLama.Native;

namespace Edison.Core.Inference.Prompts;

/// <summary>
/// A model's control tokens (turn markers, end of text, ...) and the one way Edison turns a <see cref="PromptText"/>
/// into tokens: control tokens are recognised in the template's markup only; everything else, content above all, is
/// tokenised as plain text, except an earlier answer the model wrote, which is read as the tokens it was written in
/// (<see cref="AnswerTokens"/>). For a prompt whose content holds no control-token text and no remembered answer the
/// result is what llama.cpp gives for the whole string with special tokens parsed: it, too, reads the text between
/// control tokens piece by piece. A thinking model's thinking markup (<see cref="ThinkingFormat"/>) counts as control
/// tokens here: its vocabulary may read <c>&lt;think&gt;</c> as the token in any text, but only the template writes it.
/// </summary>
public sealed class ControlTokens
{
    private const string ChatTemplateKey = "tokenizer.chat_template";

    private readonly LLamaWeights _weights;
    private readonly (string Text, LLamaToken Token)[] _byLength;
    private readonly SentencePieceCuts? _cuts;

    public ControlTokens(LLamaWeights weights, AnswerTokens answers)
    {
        _weights = weights;
        Answers = answers;
        var vocabulary = weights.Vocab;
        var found = new List<(string, LLamaToken)>();
        Thinking = ThinkingFormat.Read(weights.Metadata.GetValueOrDefault(ChatTemplateKey), text => OneToken(weights, text) is not null);
        if (Thinking is { } format)
        {
            var markers = format.Markers.Select(marker => (Text: marker, Token: OneToken(weights, marker)!.Value)).ToList();
            ThinkingClose = markers.Single(marker => marker.Text == format.Close).Token;
            found.AddRange(markers);
        }

        ToolCalls = ToolCallFormat.Read(weights.Metadata.GetValueOrDefault(ChatTemplateKey), text => OneToken(weights, text) is not null, Thinking);
        found.AddRange(ToolCalls?.Markers.Select(marker => (marker, OneToken(weights, marker)!.Value)) ?? []);

        // Only a SentencePiece vocabulary is read in pieces: any other's texts are not kept.
        List<string>? pieces = vocabulary.Type == LLamaVocabType.SentencePiece ? new(vocabulary.Count) : null;
        int longest = 1;
        for (int id = 0; id < vocabulary.Count; id++)
        {
            LLamaToken token = id;
            if (token.IsControl(vocabulary) && vocabulary.LLamaTokenToString(token, isSpecialToken: true) is { Length: > 0 } text)
            {
                found.Add((text, token));
            }

            // Asked with no room, llama.cpp says how many bytes the piece takes.
            longest = Math.Max(longest, (int)weights.NativeHandle.TokenToSpan(token, [], 0, special: false));
            pieces?.Add(vocabulary.LLamaTokenToString(token, isSpecialToken: true) ?? "");
        }

        LongestPieceBytes = longest;

        // Longest first, as llama.cpp matches them: "<|im_start|>" before a shorter token it starts with.
        _byLength = [.. found.OrderByDescending(t => t.Item1.Length)];
        _cuts = pieces is null ? null : SentencePieceCuts.For(weights, pieces);
    }

    public AnswerTokens Answers { get; }

    /// <summary>How the model marks its thinking; null for a model that does not think.</summary>
    public ThinkingFormat? Thinking { get; }

    /// <summary>How the model is offered tools and writes its calls; null for a model whose template has none.</summary>
    public ToolCallFormat? ToolCalls { get; }

    /// <summary>The token that closes the thinking (the format's close is one token); null for a model that does not think.</summary>
    public LLamaToken? ThinkingClose { get; }

    /// <summary>The most UTF-8 bytes one token of text stands for (see <see cref="IChatModel.LongestTokenBytes"/>).</summary>
    public int LongestPieceBytes { get; }

    /// <summary>Plain text's tokens, with no control token read in it (content counted on its own).</summary>
    public int CountContent(string text)
    {
        var tokens = new List<LLamaToken>();
        AddContent(text, tokens);
        return tokens.Count;
    }

    public LLamaToken[] Tokenize(PromptText prompt)
    {
        var tokens = new List<LLamaToken>();
        var vocabulary = _weights.Vocab;
        var text = new StringBuilder();
        foreach (var part in prompt.Parts)
        {
            if (part.IsAnswer && Answers.TryGet(part.Text, out var written))
            {
                Flush(text, tokens);
                tokens.AddRange(part.IsOpen ? WholeCharacters(written) : written);
                continue;
            }

            if (!part.IsMarkup)
            {
                text.Append(part.IsAnswer ? part.Lead + part.Text : WithoutMarkers(part.Lead + part.Text));
                continue;
            }

            int at = 0;
            while (at < part.Text.Length)
            {
                var (start, match) = NextControlToken(part.Text, at);
                text.Append(part.Text, at, start - at);
                if (match is not { } control)
                {
                    break;
                }

                Flush(text, tokens);
                tokens.Add(control.Token);
                at = start + control.Text.Length;
            }
        }

        Flush(text, tokens);
        if (vocabulary.ShouldAddBOS && vocabulary.BOS is { } begin && (tokens.Count == 0 || tokens[0] != begin))
        {
            tokens.Insert(0, begin);
        }

        return [.. tokens];
    }

    /// <summary>
    /// The prompt as one string in which content can no longer be read as control tokens (a word joiner after the
    /// first character of any it spells out), for the multimodal tokenizer, which takes one string.
    /// </summary>
    public string ToInertText(PromptText prompt)
    {
        var text = new StringBuilder();
        foreach (var part in prompt.Parts)
        {
            if (part.IsMarkup)
            {
                text.Append(part.Text);
                continue;
            }

            var content = part.Lead + part.Text;
            foreach (var (control, _) in _byLength)
            {
                content = Broken(content, control);
            }

            text.Append(content);
        }

        return text.ToString();
    }

    /// <summary>The token a text is whole, if the vocabulary reads it as one (special tokens included).</summary>
    public static LLamaToken? OneToken(LLamaWeights weights, string text) =>
        weights.Tokenize(text, add_bos: false, special: true, Encoding.UTF8) is [var token] ? token : null;

    /// <summary>
    /// Content with the thinking markup it spells out broken: a vocabulary whose markers are user-defined tokens reads
    /// them even in text tokenised as plain (llama.cpp matches those regardless), and a message must not open or close
    /// the model's thinking.
    /// </summary>
    private string WithoutMarkers(string content) =>
        (ToolCalls?.Markers ?? []).Aggregate(Thinking?.Markers.Aggregate(content, Broken) ?? content, Broken);

    /// <summary>The text with every <paramref name="word"/> in it broken by a word joiner after its first character, so that no reader takes it for that word.</summary>
    public static string Broken(string text, string word) =>
        text.Contains(word, StringComparison.Ordinal) ? text.Replace(word, word[..1] + "\u2060" + word[1..], StringComparison.Ordinal) : text;

    private (int Start, (string Text, LLamaToken Token)? Match) NextControlToken(string markup, int from)
    {
        int best = markup.Length;
        (string Text, LLamaToken Token)? match = null;
        foreach (var candidate in _byLength)
        {
            int found = markup.IndexOf(candidate.Text, from, StringComparison.Ordinal);
            if (found >= 0 && found < best)
            {
                (best, match) = (found, candidate);
            }
        }

        return (best, match);
    }

    /// <summary>An answer's tokens up to its last whole character: without the bytes of one it was cut off inside.</summary>
    private LLamaToken[] WholeCharacters(LLamaToken[] tokens)
    {
        // A character is at most four bytes: an incomplete one lies within the last few tokens' bytes.
        int from = Math.Max(0, tokens.Length - 8);
        var bytes = new List<byte>();
        var ends = new int[tokens.Length - from];
        Span<byte> piece = stackalloc byte[256];
        for (int i = from; i < tokens.Length; i++)
        {
            int length = (int)_weights.NativeHandle.TokenToSpan(tokens[i], piece, 0, special: false);
            Span<byte> written = length <= piece.Length ? piece[..length] : new byte[length];
            if (length > piece.Length)
            {
                _weights.NativeHandle.TokenToSpan(tokens[i], written, 0, special: false);
            }

            bytes.AddRange(written);
            ends[i - from] = bytes.Count;
        }

        int whole = WholeCharacterBytes(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(bytes));
        int count = tokens.Length;
        while (count > from && ends[count - 1 - from] > whole)
        {
            count--;
        }

        return tokens[..count];
    }

    /// <summary>How many of the bytes come before a last character that is still incomplete (all of them when none is).</summary>
    private static int WholeCharacterBytes(ReadOnlySpan<byte> bytes)
    {
        for (int i = bytes.Length - 1; i >= 0 && i >= bytes.Length - 4; i--)
        {
            if ((bytes[i] & 0xC0) == 0x80)
            {
                continue;
            }

            int length = bytes[i] >= 0xF0 ? 4 : bytes[i] >= 0xE0 ? 3 : bytes[i] >= 0xC0 ? 2 : 1;
            return bytes.Length - i < length ? i : bytes.Length;
        }

        return bytes.Length;
    }

    private void Flush(StringBuilder text, List<LLamaToken> tokens)
    {
        if (text.Length == 0)
        {
            return;
        }

        AddContent(text.ToString(), tokens);
        text.Clear();
    }

    private void AddContent(string text, List<LLamaToken> tokens)
    {
        if (_cuts is null)
        {
            tokens.AddRange(_weights.Tokenize(text, add_bos: false, special: false, Encoding.UTF8));
        }
        else
        {
            _cuts.Tokenize(text, tokens);
        }
    }
}
