using LLama;
using LLama.Native;

namespace Edison.Core.Inference.Prompts;

/// <summary>
/// A vocabulary's tokens by the first byte of their text, with the token that is that byte alone. A grammar that
/// refuses a byte refuses every token that starts with it (what it takes whole, it takes in part), so one check of the
/// one-byte tokens tells which few tokens a grammar that allows little could take: those are all it needs to check.
/// </summary>
public sealed class TokensByFirstByte
{
    private readonly LLamaToken[][] _byByte;

    private TokensByFirstByte(LLamaToken[][] byByte, LLamaToken?[] oneByte, LLamaToken[] always, int count) =>
        (_byByte, OneByte, Always, Count) = (byByte, oneByte, always, count);

    /// <summary>The token whose text is each byte alone, where the vocabulary has one.</summary>
    public IReadOnlyList<LLamaToken?> OneByte { get; }

    /// <summary>Tokens a byte's check says nothing of: the ends of generation (a grammar takes them when it is complete) and bytes without a token of their own.</summary>
    public IReadOnlyList<LLamaToken> Always { get; }

    public int Count { get; }

    public IReadOnlyList<LLamaToken> StartingWith(byte first) => _byByte[first];

    public static TokensByFirstByte Of(LLamaWeights weights)
    {
        var vocabulary = weights.Vocab;
        var byByte = Enumerable.Range(0, 256).Select(_ => new List<LLamaToken>()).ToArray();
        var oneByte = new LLamaToken?[256];
        var always = new List<LLamaToken>();
        Span<byte> piece = stackalloc byte[256];
        for (int id = 0; id < vocabulary.Count; id++)
        {
            LLamaToken token = id;
            if (token.IsEndOfGeneration(vocabulary))
            {
                always.Add(token);
                continue;
            }

            // As llama.cpp's grammar reads a token: its text with special tokens written out.
            int length = (int)weights.NativeHandle.TokenToSpan(token, piece, 0, special: true);
            if (length <= 0)
            {
                continue;
            }

            byByte[piece[0]].Add(token);
            if (length == 1)
            {
                oneByte[piece[0]] ??= token;
            }
        }

        for (int first = 0; first < 256; first++)
        {
            if (oneByte[first] is null)
            {
                always.AddRange(byByte[first]);
                byByte[first].Clear();
            }
        }

        return new TokensByFirstByte([.. byByte.Select(tokens => tokens.ToArray())], oneByte, [.. always], vocabulary.Count);
    }
}
