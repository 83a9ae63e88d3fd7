using System.Text;
using Edison.Core.Llama;
using Edison.Core.Llama.Gguf;

namespace Edison.Bench;

/// <summary>
/// A llama-architecture model of realistic size written by Edison's own GGUF writer, for measuring what per-token
/// compute and sampling cost on a real small model: 1024-wide, 24 layers, 16 heads, feed-forward 2816, context 4096,
/// Q8_0 weights (about 370M parameters, 400 MB), deterministic random weights and a 32,000-piece SentencePiece
/// vocabulary with ChatML's turn markers. Its text is noise; its compute is a real model's. Written once into a cache
/// folder; never committed and never needed by the tests.
/// </summary>
public static class SyntheticModel
{
    public const string Name = "synthetic-300m";

    private const int Embedding = 1024;
    private const int Layers = 24;
    private const int Heads = 16;
    private const int FeedForward = 2816;
    private const int ContextLength = 4096;
    private const int VocabularySize = 32_000;

    // Uniform quants in [-127, 127] at this scale: weights of standard deviation about 0.02, as trained models have.
    private static readonly Half WeightScale = (Half)(0.035f / 127f);

    /// <summary>The model's file in the cache folder, written first if it is not there yet (about a minute).</summary>
    public static string EnsureWritten(string cacheFolder)
    {
        var path = Path.Combine(cacheFolder, Name + ".gguf");
        if (!File.Exists(path))
        {
            Console.WriteLine($"writing {Name} to {path} (once)...");
            Build().WriteTo(path);
        }

        return path;
    }

    /// <summary>Where written models are kept between runs: $XDG_CACHE_HOME/edison-bench, or ~/.cache/edison-bench.</summary>
    public static string DefaultCacheFolder() => Path.Combine(
        Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } cache
            ? cache
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache"),
        "edison-bench");

    private static GgufWriter Build()
    {
        var vocabulary = Vocabulary.Create();
        var writer = new GgufWriter()
            .Add("general.architecture", GgufValue.String("llama"))
            .Add("general.name", GgufValue.String(Name))
            .Add("llama.context_length", GgufValue.UInt32(ContextLength))
            .Add("llama.embedding_length", GgufValue.UInt32(Embedding))
            .Add("llama.block_count", GgufValue.UInt32(Layers))
            .Add("llama.feed_forward_length", GgufValue.UInt32(FeedForward))
            .Add("llama.attention.head_count", GgufValue.UInt32(Heads))
            .Add("llama.attention.head_count_kv", GgufValue.UInt32(Heads))
            .Add("llama.attention.layer_norm_rms_epsilon", GgufValue.Float32(1e-5f))
            .Add("llama.rope.dimension_count", GgufValue.UInt32(Embedding / Heads))
            .Add("llama.vocab_size", GgufValue.UInt32(VocabularySize))
            .Add("tokenizer.ggml.model", GgufValue.String("llama"))
            .Add("tokenizer.ggml.tokens", GgufValue.Strings(vocabulary.Texts))
            .Add("tokenizer.ggml.scores", GgufValue.Floats(vocabulary.Scores))
            .Add("tokenizer.ggml.token_type", GgufValue.Ints(vocabulary.Types))
            .Add("tokenizer.ggml.bos_token_id", GgufValue.UInt32(Vocabulary.Begin))
            .Add("tokenizer.ggml.eos_token_id", GgufValue.UInt32(Vocabulary.End))
            .Add("tokenizer.ggml.unknown_token_id", GgufValue.UInt32(Vocabulary.Unknown))
            .Add("tokenizer.ggml.add_bos_token", GgufValue.Bool(true))
            .Add("tokenizer.ggml.add_eos_token", GgufValue.Bool(false))
            .Add("tokenizer.chat_template", GgufValue.String(DemoModel.ChatMlTemplate));

        var random = new Xorshift(0x300F);
        void Random(BinaryWriter output, long row) => WriteRandomRow(output, random, Embedding);

        // Control tokens (and the end of text) get a zero output row: a logit of 0 loses to the noise of the others, so
        // a greedy answer runs to its token limit and every run measures the same amount of work.
        writer.AddQ8Tensor("token_embd.weight", Random, Embedding, VocabularySize);
        writer.AddTensor("output_norm.weight", Ones(Embedding), Embedding);
        writer.AddQ8Tensor(
            "output.weight",
            (output, row) =>
            {
                if (vocabulary.Types[(int)row] == Vocabulary.ControlType)
                {
                    WriteZeroRow(output, Embedding);
                }
                else
                {
                    WriteRandomRow(output, random, Embedding);
                }
            },
            Embedding,
            VocabularySize);
        for (int layer = 0; layer < Layers; layer++)
        {
            var prefix = $"blk.{layer}.";
            writer.AddTensor(prefix + "attn_norm.weight", Ones(Embedding), Embedding);
            writer.AddQ8Tensor(prefix + "attn_q.weight", Random, Embedding, Embedding);
            writer.AddQ8Tensor(prefix + "attn_k.weight", Random, Embedding, Embedding);
            writer.AddQ8Tensor(prefix + "attn_v.weight", Random, Embedding, Embedding);
            writer.AddQ8Tensor(prefix + "attn_output.weight", Random, Embedding, Embedding);
            writer.AddTensor(prefix + "ffn_norm.weight", Ones(Embedding), Embedding);
            writer.AddQ8Tensor(prefix + "ffn_gate.weight", Random, Embedding, FeedForward);
            writer.AddQ8Tensor(prefix + "ffn_up.weight", Random, Embedding, FeedForward);
            writer.AddQ8Tensor(prefix + "ffn_down.weight", (output, row) => WriteRandomRow(output, random, FeedForward), FeedForward, Embedding);
        }

        return writer;
    }

    private static void WriteRandomRow(BinaryWriter output, Xorshift random, int values)
    {
        Span<sbyte> quants = stackalloc sbyte[Q8Block.Values];
        for (int block = 0; block < values / Q8Block.Values; block++)
        {
            for (int i = 0; i < quants.Length; i++)
            {
                quants[i] = (sbyte)(random.Next() % 255 - 127);
            }

            Q8Block.Write(output, WeightScale, quants);
        }
    }

    private static void WriteZeroRow(BinaryWriter output, int values)
    {
        Span<sbyte> zeros = stackalloc sbyte[Q8Block.Values];
        for (int block = 0; block < values / Q8Block.Values; block++)
        {
            Q8Block.Write(output, Half.Zero, zeros);
        }
    }

    private static float[] Ones(int count) => Enumerable.Repeat(1f, count).ToArray();

    /// <summary>
    /// A SentencePiece vocabulary of 32,000 pieces: the special and byte tokens, ChatML's markers, every printable
    /// character alone and after a word boundary (▁), then letter pairs and triples, so English text tokenises into
    /// short pieces as it would with a real vocabulary. Longer pieces score higher, so they win the merges.
    /// </summary>
    private sealed class Vocabulary
    {
        public const int Unknown = 0;
        public const int Begin = 1;
        public const int End = 2;
        public const int ControlType = 3;

        private const string Boundary = "\u2581";

        private readonly HashSet<string> _seen = new(StringComparer.Ordinal);

        public List<string> Texts { get; } = [];

        public List<float> Scores { get; } = [];

        public List<int> Types { get; } = [];

        public static Vocabulary Create()
        {
            var vocabulary = new Vocabulary();
            vocabulary.Add("<unk>", 2, 0);
            vocabulary.Add("<s>", ControlType, 0);
            vocabulary.Add("</s>", ControlType, 0);
            for (int value = 0; value < 256; value++)
            {
                vocabulary.Add($"<0x{value:X2}>", 6, 0);
            }

            foreach (var marker in DemoModel.ChatMlTokens)
            {
                vocabulary.Add(marker, ControlType, 0);
            }

            vocabulary.AddNormal(Boundary);
            var characters = Enumerable.Range(32, 95).Select(c => ((char)c).ToString()).Where(c => c != " ").Append("\n").ToList();
            foreach (var character in characters)
            {
                vocabulary.AddNormal(character);
                vocabulary.AddNormal(Boundary + character);
            }

            const string letters = "abcdefghijklmnopqrstuvwxyz";
            var pairs = letters.SelectMany(a => letters.Select(b => $"{a}{b}")).ToList();
            foreach (var pair in pairs)
            {
                vocabulary.AddNormal(pair);
                vocabulary.AddNormal(Boundary + pair);
            }

            var triples = pairs.SelectMany(pair => letters.Select(c => pair + c)).ToList();
            foreach (var triple in triples)
            {
                vocabulary.AddNormal(triple);
            }

            foreach (var triple in triples.TakeWhile(_ => vocabulary.Texts.Count < VocabularySize))
            {
                vocabulary.AddNormal(Boundary + triple);
            }

            return vocabulary.Texts.Count == VocabularySize
                ? vocabulary
                : throw new InvalidOperationException($"The vocabulary has {vocabulary.Texts.Count} pieces, not {VocabularySize}.");
        }

        private void AddNormal(string text) => Add(text, 1, text.Length * 10f - Texts.Count * 1e-4f);

        private void Add(string text, int type, float score)
        {
            if (_seen.Add(text))
            {
                Texts.Add(text);
                Scores.Add(score);
                Types.Add(type);
            }
        }
    }

    /// <summary>xorshift32: the same weights on every machine and every run.</summary>
    private sealed class Xorshift(uint seed)
    {
        private uint _state = seed;

        public uint Next()
        {
            _state ^= _state << 13;
            _state ^= _state >> 17;
            _state ^= _state << 5;
            return _state;
        }
    }
}
