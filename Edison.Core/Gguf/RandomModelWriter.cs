namespace Edison.Core.Gguf;

/// <summary>The shape of a <see cref="RandomModelWriter"/> model; every width a multiple of 32 (Q8_0 rows).</summary>
/// <param name="ChatTemplate">The chat template to store; ChatML's when null.</param>
/// <param name="MarkerTokens">Tokens that stand whole wherever they are written and read as their text (llama.cpp's user-defined tokens), such as a template's tool-call tags.</param>
public sealed record RandomModelSpec(
    string Name,
    int Embedding,
    int Layers,
    int Heads,
    int FeedForward,
    int ContextLength,
    int VocabularySize,
    string? ChatTemplate = null,
    IReadOnlyList<string>? MarkerTokens = null);

/// <summary>
/// A llama-architecture model with deterministic random Q8_0 weights, a SentencePiece vocabulary of the size asked
/// for and ChatML's turn markers, written by Edison's own GGUF writer. Its text is noise, but its compute is a real
/// model's of that shape (the benchmark's realistic model), and every token of a prompt sways its answer (the tests'
/// model for telling whether an answer read exactly the prompt it should).
/// </summary>
public static class RandomModelWriter
{

    // Uniform quants in [-127, 127] at this scale: weights of standard deviation about 0.02, as trained models have.
    private static readonly Half WeightScale = (Half)(0.035f / 127f);

    public static void Write(RandomModelSpec spec, string path) => Build(spec).WriteTo(path);

    public static GgufWriter Build(RandomModelSpec spec)
    {
        var (embedding, layers, heads, feedForward) = (spec.Embedding, spec.Layers, spec.Heads, spec.FeedForward);
        var vocabulary = Vocabulary.Create(spec.VocabularySize, spec.MarkerTokens ?? []);
        var writer = new GgufWriter()
            .Add("general.architecture", GgufValue.String("llama"))
            .Add("general.name", GgufValue.String(spec.Name))
            .Add("llama.context_length", GgufValue.UInt32((uint)spec.ContextLength))
            .Add("llama.embedding_length", GgufValue.UInt32((uint)embedding))
            .Add("llama.block_count", GgufValue.UInt32((uint)layers))
            .Add("llama.feed_forward_length", GgufValue.UInt32((uint)feedForward))
            .Add("llama.attention.head_count", GgufValue.UInt32((uint)heads))
            .Add("llama.attention.head_count_kv", GgufValue.UInt32((uint)heads))
            .Add("llama.attention.layer_norm_rms_epsilon", GgufValue.Float32(1e-5f))
            .Add("llama.rope.dimension_count", GgufValue.UInt32((uint)(embedding / heads)))
            .Add("llama.vocab_size", GgufValue.UInt32((uint)spec.VocabularySize))
            .Add("tokenizer.ggml.model", GgufValue.String("llama"))
            .Add("tokenizer.ggml.tokens", GgufValue.Strings(vocabulary.Texts))
            .Add("tokenizer.ggml.scores", GgufValue.Floats(vocabulary.Scores))
            .Add("tokenizer.ggml.token_type", GgufValue.Ints(vocabulary.Types))
            .Add("tokenizer.ggml.bos_token_id", GgufValue.UInt32(Vocabulary.Begin))
            .Add("tokenizer.ggml.eos_token_id", GgufValue.UInt32(Vocabulary.End))
            .Add("tokenizer.ggml.unknown_token_id", GgufValue.UInt32(Vocabulary.Unknown))
            .Add("tokenizer.ggml.add_bos_token", GgufValue.Bool(true))
            .Add("tokenizer.ggml.add_eos_token", GgufValue.Bool(false))
            .Add("tokenizer.chat_template", GgufValue.String(spec.ChatTemplate ?? ChatMl.Template));

        var random = new Xorshift(0x300F);
        void Random(BinaryWriter output, long row) => WriteRandomRow(output, random, embedding);

        // Control tokens (and the end of text) get a zero output row: a logit of 0 loses to the noise of the others, so
        // a greedy answer runs to its token limit and every run measures the same amount of work.
        writer.AddQ8Tensor("token_embd.weight", Random, embedding, spec.VocabularySize);
        writer.AddTensor("output_norm.weight", Ones(embedding), embedding);
        writer.AddQ8Tensor(
            "output.weight",
            (output, row) =>
            {
                if (vocabulary.Types[(int)row] == Vocabulary.ControlType)
                {
                    WriteZeroRow(output, embedding);
                }
                else
                {
                    WriteRandomRow(output, random, embedding);
                }
            },
            embedding,
            spec.VocabularySize);
        for (int layer = 0; layer < layers; layer++)
        {
            var prefix = $"blk.{layer}.";
            writer.AddTensor(prefix + "attn_norm.weight", Ones(embedding), embedding);
            writer.AddQ8Tensor(prefix + "attn_q.weight", Random, embedding, embedding);
            writer.AddQ8Tensor(prefix + "attn_k.weight", Random, embedding, embedding);
            writer.AddQ8Tensor(prefix + "attn_v.weight", Random, embedding, embedding);
            writer.AddQ8Tensor(prefix + "attn_output.weight", Random, embedding, embedding);
            writer.AddTensor(prefix + "ffn_norm.weight", Ones(embedding), embedding);
            writer.AddQ8Tensor(prefix + "ffn_gate.weight", Random, embedding, feedForward);
            writer.AddQ8Tensor(prefix + "ffn_up.weight", Random, embedding, feedForward);
            writer.AddQ8Tensor(prefix + "ffn_down.weight", (output, row) => WriteRandomRow(output, random, feedForward), feedForward, embedding);
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
    /// A SentencePiece vocabulary: the special and byte tokens, ChatML's markers, every printable character alone and
    /// after a word boundary (▁), then letter pairs and triples as far as the size allows, so English text tokenises
    /// into short pieces as it would with a real vocabulary. Longer pieces score higher, so they win the merges.
    /// </summary>
    private sealed class Vocabulary
    {
        public const int Unknown = 0;
        public const int Begin = 1;
        public const int End = 2;
        public const int ControlType = 3;
        public const int UserDefinedType = 4;

        private const string Boundary = "\u2581";

        private readonly HashSet<string> _seen = new(StringComparer.Ordinal);

        public List<string> Texts { get; } = [];

        public List<float> Scores { get; } = [];

        public List<int> Types { get; } = [];

        public static Vocabulary Create(int size, IReadOnlyList<string> markers)
        {
            var vocabulary = new Vocabulary();
            vocabulary.Add("<unk>", 2, 0);
            vocabulary.Add("<s>", ControlType, 0);
            vocabulary.Add("</s>", ControlType, 0);
            for (int value = 0; value < 256; value++)
            {
                vocabulary.Add($"<0x{value:X2}>", 6, 0);
            }

            foreach (var marker in ChatMl.Tokens)
            {
                vocabulary.Add(marker, ControlType, 0);
            }

            foreach (var marker in markers)
            {
                vocabulary.Add(marker, UserDefinedType, 0);
            }

            vocabulary.AddNormal(Boundary);
            var characters = Enumerable.Range(32, 95).Select(c => ((char)c).ToString()).Where(c => c != " ").Append("\n").ToList();
            const string letters = "abcdefghijklmnopqrstuvwxyz";
            var pairs = letters.SelectMany(a => letters.Select(b => $"{a}{b}")).ToList();
            var triples = pairs.SelectMany(pair => letters.Select(c => pair + c)).ToList();
            var pieces = characters.SelectMany(c => new[] { c, Boundary + c })
                .Concat(pairs.SelectMany(pair => new[] { pair, Boundary + pair }))
                .Concat(triples)
                .Concat(triples.Select(triple => Boundary + triple));
            foreach (var piece in pieces.TakeWhile(_ => vocabulary.Texts.Count < size))
            {
                vocabulary.AddNormal(piece);
            }

            return vocabulary.Texts.Count == size
                ? vocabulary
                : throw new ArgumentException($"The vocabulary holds at most {vocabulary.Texts.Count} pieces, not {size}.", nameof(size));
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
