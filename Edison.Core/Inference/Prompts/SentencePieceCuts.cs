using System.Text;
using LLama;
using LLama.Native;

namespace Edison.Core.Inference.Prompts;

/// <summary>
/// Reads long text into tokens in pieces, getting exactly the tokens llama.cpp's SentencePiece tokenizer gives for the
/// whole. That tokenizer writes a character its vocabulary lacks as byte tokens, growing its output by an exact
/// reservation each time, so a long run of such characters costs time that grows with the square of the run (a pasted
/// 100,000-character run took seconds). Read in pieces of bounded length, text costs time in proportion to its length.
/// <para>
/// A cut falls only between two characters that no token of the vocabulary holds side by side: no token can span it,
/// so neither side's merges depend on the other. llama.cpp puts a space before each text it reads (as the model's
/// vocabulary asks); the piece after a cut starts with text that no token spells after a space, so that space is read
/// on its own, and its tokens are dropped.
/// </para>
/// </summary>
public sealed class SentencePieceCuts
{
    /// <summary>Characters read before a cut is looked for: short enough that no piece is slow, long enough to be rare.</summary>
    private const int PieceRunes = 256;

    private static readonly Rune Space = new(' ');
    private static readonly Rune SpaceMark = new('\u2581');

    private readonly LLamaWeights _weights;
    private readonly HashSet<long> _neighbours;
    private readonly HashSet<string> _afterSpace;
    private readonly int _longestAfterSpace;
    private readonly LLamaToken[] _lead;

    private SentencePieceCuts(LLamaWeights weights, HashSet<long> neighbours, HashSet<string> afterSpace, LLamaToken[] lead)
    {
        _weights = weights;
        _neighbours = neighbours;
        _afterSpace = afterSpace;
        _longestAfterSpace = afterSpace.Count == 0 ? 0 : afterSpace.Max(text => text.Length);
        _lead = lead;
    }

    /// <summary>The cuts for a SentencePiece vocabulary, given every token's text; none for other tokenizers, which read any text in linear time.</summary>
    public static SentencePieceCuts? For(LLamaWeights weights, IEnumerable<string> pieces)
    {
        if (weights.Vocab.Type != LLamaVocabType.SentencePiece)
        {
            return null;
        }

        var neighbours = new HashSet<long>();
        var afterSpace = new HashSet<string>(StringComparer.Ordinal);
        foreach (var piece in pieces)
        {
            // What a token spells after its leading space: text that would join the space llama.cpp puts before a piece.
            if (piece.Length > 1 && AsRead(piece[..1]) == " ")
            {
                afterSpace.Add(AsRead(piece[1..]));
            }

            Rune? previous = null;
            foreach (var rune in piece.EnumerateRunes())
            {
                if (previous is { } before)
                {
                    neighbours.Add(Pair(before, AsRead(rune)));
                }

                previous = AsRead(rune);
            }
        }

        // What llama.cpp writes before the text it reads (its space, or nothing) is learnt from a character no token holds:
        // read once and twice, the difference is the character's own tokens.
        var probe = new Rune(0x10FFFD);
        if (neighbours.Contains(Pair(probe, probe)) || afterSpace.Any(text => text.StartsWith(probe.ToString(), StringComparison.Ordinal)))
        {
            return null;
        }

        var once = weights.Tokenize(probe.ToString(), add_bos: false, special: false, Encoding.UTF8);
        var twice = weights.Tokenize(probe.ToString() + probe, add_bos: false, special: false, Encoding.UTF8);
        int own = twice.Length - once.Length;
        return own > 0 && once.Length >= own ? new SentencePieceCuts(weights, neighbours, afterSpace, once[..^own]) : null;
    }

    public void Tokenize(string text, List<LLamaToken> tokens)
    {
        int from = tokens.Count;
        int start = 0;
        foreach (int end in Cuts(text).Append(text.Length))
        {
            if (!TryAdd(text[start..end], isFirst: start == 0, tokens))
            {
                // Not read as the cut promised: the whole text, as llama.cpp reads it, is always right.
                tokens.RemoveRange(from, tokens.Count - from);
                tokens.AddRange(Read(text));
                return;
            }

            start = end;
        }
    }

    private bool TryAdd(string piece, bool isFirst, List<LLamaToken> tokens)
    {
        var read = Read(piece);
        if (isFirst)
        {
            tokens.AddRange(read);
            return true;
        }

        if (!read.AsSpan().StartsWith(_lead))
        {
            return false;
        }

        tokens.AddRange(read.AsSpan(_lead.Length));
        return true;
    }

    private LLamaToken[] Read(string text) => _weights.Tokenize(text, add_bos: false, special: false, Encoding.UTF8);

    private IEnumerable<int> Cuts(string text)
    {
        int since = 0;
        Rune previous = default;
        int at = 0;
        while (at < text.Length)
        {
            // A lone surrogate reads as one replacement character, as llama.cpp reads its UTF-8.
            Rune.DecodeFromUtf16(text.AsSpan(at), out var rune, out int length);
            rune = AsRead(rune);
            if (since >= PieceRunes && IsCut(previous, rune, text, at))
            {
                yield return at;
                since = 0;
            }

            previous = rune;
            since++;
            at += length;
        }
    }

    /// <summary>Whether the text may be cut before <paramref name="at"/>, where <paramref name="after"/> stands.</summary>
    private bool IsCut(Rune before, Rune after, string text, int at)
    {
        if (_neighbours.Contains(Pair(before, after)))
        {
            return false;
        }

        // No token may spell the space put before the piece together with what the piece starts with.
        for (int length = 1; length <= _longestAfterSpace && at + length <= text.Length; length++)
        {
            if (_afterSpace.Contains(AsRead(text.Substring(at, length))))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The character as the vocabulary's pieces spell it: SentencePiece writes a space as '▁', and reads a '▁' in the text as one.</summary>
    private static Rune AsRead(Rune rune) => rune == SpaceMark ? Space : rune;

    private static string AsRead(string text) => text.Replace('\u2581', ' ');

    private static long Pair(Rune first, Rune second) => ((long)first.Value << 21) | (uint)second.Value;
}
