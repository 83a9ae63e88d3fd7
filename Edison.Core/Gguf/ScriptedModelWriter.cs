using System.Text;

namespace Edison.Core.Gguf;

/// <summary>
/// Builds a real llama-architecture GGUF whose weights make it a deterministic bigram machine: each token's
/// embedding is one-hot, attention and feed-forward outputs are zero, so the residual stream reaching the
/// output head is the current token alone, and the output head maps it to the next token of the script.
/// Every token outside the script leads to the script's first token, so whatever the prompt ends with, the
/// model answers with the script. llama.cpp still runs every layer, so the compute path is the real one.
/// </summary>
public static class ScriptedModelWriter
{
    private const int HeadCount = 4;
    private const int BlockCount = 2;
    private const float LogitScale = 4f;
    private const string SpaceMarker = "\u2581";

    private const int UnknownId = 0;
    private const int BeginId = 1;
    private const int EndId = 2;
    private const int FirstByteId = 3;

    public static void Write(ScriptedModelSpec spec, string path) => Build(spec).WriteTo(path);

    public static GgufWriter Build(ScriptedModelSpec spec)
    {
        var vocabulary = new Vocabulary(spec.ControlTokens ?? [], spec.MarkerTokens ?? []);
        var script = Segment(spec.Script, vocabulary);
        if (script.Count == 0)
        {
            throw new ArgumentException("The script must contain at least one token.", nameof(spec));
        }

        int embedding = RoundUp(Math.Max(64, script.Count + 1), 32);
        int feedForward = embedding * 2;
        int vocabularySize = vocabulary.Count;

        var writer = new GgufWriter()
            .Add("general.architecture", GgufValue.String("llama"))
            .Add("general.name", GgufValue.String(spec.Name))
            .Add("llama.context_length", GgufValue.UInt32((uint)spec.ContextLength))
            .Add("llama.embedding_length", GgufValue.UInt32((uint)embedding))
            .Add("llama.block_count", GgufValue.UInt32(BlockCount))
            .Add("llama.feed_forward_length", GgufValue.UInt32((uint)feedForward))
            .Add("llama.attention.head_count", GgufValue.UInt32(HeadCount))
            .Add("llama.attention.head_count_kv", GgufValue.UInt32(HeadCount))
            .Add("llama.attention.layer_norm_rms_epsilon", GgufValue.Float32(1e-5f))
            .Add("llama.rope.dimension_count", GgufValue.UInt32((uint)(embedding / HeadCount)))
            .Add("llama.vocab_size", GgufValue.UInt32((uint)vocabularySize))
            .Add("tokenizer.ggml.model", GgufValue.String("llama"))
            .Add("tokenizer.ggml.tokens", GgufValue.Strings(vocabulary.Texts))
            .Add("tokenizer.ggml.scores", GgufValue.Floats(vocabulary.Scores))
            .Add("tokenizer.ggml.token_type", GgufValue.Ints(vocabulary.Types))
            .Add("tokenizer.ggml.bos_token_id", GgufValue.UInt32(BeginId))
            .Add("tokenizer.ggml.eos_token_id", GgufValue.UInt32(EndId))
            .Add("tokenizer.ggml.unknown_token_id", GgufValue.UInt32(UnknownId))
            .Add("tokenizer.ggml.add_bos_token", GgufValue.Bool(true))
            .Add("tokenizer.ggml.add_eos_token", GgufValue.Bool(false));
        if (spec.ChatTemplate is not null)
        {
            writer.Add("tokenizer.chat_template", GgufValue.String(spec.ChatTemplate));
        }

        var scriptPosition = new Dictionary<int, int>();
        for (int i = 0; i < script.Count; i++)
        {
            scriptPosition[script[i]] = i;
        }

        // Dimension 0 stands for "any token outside the script"; dimension i + 1 for the script's i-th token.
        int DimensionOf(int token) => scriptPosition.TryGetValue(token, out var position) ? position + 1 : 0;

        var tokenEmbedding = new float[vocabularySize * embedding];
        for (int token = 0; token < vocabularySize; token++)
        {
            tokenEmbedding[token * embedding + DimensionOf(token)] = 1f;
        }

        var output = new float[vocabularySize * embedding];
        output[script[0] * embedding] = LogitScale;
        for (int i = 0; i < script.Count; i++)
        {
            bool last = i == script.Count - 1;
            int next = last ? (spec.Repeat ? script[0] : EndId) : script[i + 1];
            output[next * embedding + i + 1] = LogitScale;
        }

        var random = new DeterministicRandom(seed: 0x5EED);
        writer.AddTensor("token_embd.weight", tokenEmbedding, embedding, vocabularySize);
        writer.AddTensor("output_norm.weight", Ones(embedding), embedding);
        writer.AddTensor("output.weight", output, embedding, vocabularySize);
        for (int block = 0; block < BlockCount; block++)
        {
            var prefix = $"blk.{block}.";
            writer.AddTensor(prefix + "attn_norm.weight", Ones(embedding), embedding);
            writer.AddTensor(prefix + "attn_q.weight", random.Fill(embedding * embedding), embedding, embedding);
            writer.AddTensor(prefix + "attn_k.weight", random.Fill(embedding * embedding), embedding, embedding);
            writer.AddTensor(prefix + "attn_v.weight", random.Fill(embedding * embedding), embedding, embedding);
            writer.AddTensor(prefix + "attn_output.weight", random.Fill(embedding * embedding, spec.AttentionWeight), embedding, embedding);
            writer.AddTensor(prefix + "ffn_norm.weight", Ones(embedding), embedding);
            writer.AddTensor(prefix + "ffn_gate.weight", random.Fill(embedding * feedForward), embedding, feedForward);
            writer.AddTensor(prefix + "ffn_up.weight", random.Fill(embedding * feedForward), embedding, feedForward);
            writer.AddTensor(prefix + "ffn_down.weight", new float[feedForward * embedding], feedForward, embedding);
        }

        return writer;
    }

    /// <summary>
    /// Cuts the script into tokens, each used once so that the bigram chain is unambiguous: a marker or control token
    /// where the script first writes it, and the text between them as <see cref="SegmentText"/> cuts it. A marker written again
    /// (harmony's <c>&lt;|channel|&gt;</c> opens the thinking and then the answer) is text the second time: the same
    /// text, in a piece of its own, as no token can follow two others in a bigram chain.
    /// </summary>
    private static List<int> Segment(string script, Vocabulary vocabulary)
    {
        var tokens = new List<int>();
        var written = new HashSet<string>(StringComparer.Ordinal);
        int at = 0;
        while (at < script.Length)
        {
            var (marker, index) = vocabulary.Markers
                .Where(m => !written.Contains(m))
                .Select(m => (Marker: m, Index: script.IndexOf(m, at, StringComparison.Ordinal)))
                .Where(found => found.Index >= 0)
                .OrderBy(found => found.Index)
                .FirstOrDefault();
            int end = marker is null ? script.Length : index;
            tokens.AddRange(SegmentText(script[at..end], vocabulary));
            if (marker is null)
            {
                break;
            }

            tokens.Add(vocabulary.IdOf(marker));
            written.Add(marker);
            at = end + marker.Length;
        }

        return tokens;
    }

    /// <summary>
    /// Words become SentencePiece pieces with "▁" for their leading space; the first time a non-ASCII character appears
    /// it is written as its UTF-8 byte tokens, so answers exercise characters split across tokens.
    /// </summary>
    private static List<int> SegmentText(string script, Vocabulary vocabulary)
    {
        var pieces = new List<string>();
        var bytePieces = new HashSet<int>();
        var current = new StringBuilder();
        var usedBytes = new HashSet<byte>();

        void FlushWord()
        {
            if (current.Length > 0)
            {
                pieces.Add(current.ToString());
                current.Clear();
            }
        }

        foreach (var rune in script.EnumerateRunes())
        {
            if (rune.Value == ' ')
            {
                FlushWord();
                current.Append(SpaceMarker);
                continue;
            }

            var bytes = Encoding.UTF8.GetBytes(rune.ToString());
            if (!rune.IsAscii && !bytes.Any(usedBytes.Contains))
            {
                // A lone space before the character joins the previous word, keeping the pieces unique.
                if (current.ToString() == SpaceMarker && pieces.Count > 0 && !bytePieces.Contains(pieces.Count - 1))
                {
                    pieces[^1] += SpaceMarker;
                    current.Clear();
                }

                FlushWord();
                foreach (var value in bytes)
                {
                    usedBytes.Add(value);
                    bytePieces.Add(pieces.Count);
                    pieces.Add(Vocabulary.ByteText(value));
                }

                continue;
            }

            current.Append(rune.ToString());
        }

        FlushWord();

        var tokens = new List<int>();
        var used = new HashSet<string>();
        for (int i = 0; i < pieces.Count; i++)
        {
            if (bytePieces.Contains(i))
            {
                tokens.Add(vocabulary.IdOf(pieces[i]));
                continue;
            }

            // A repeated word is joined to the words after it until the joined piece is new.
            var piece = pieces[i];
            while ((used.Contains(piece) || vocabulary.IsReserved(piece)) && i + 1 < pieces.Count && !bytePieces.Contains(i + 1))
            {
                piece += pieces[++i];
            }

            if (used.Contains(piece) || vocabulary.IsReserved(piece))
            {
                throw new ArgumentException($"The script cannot be cut into unique tokens near \"{piece}\".", nameof(script));
            }

            used.Add(piece);
            tokens.Add(vocabulary.AddNormal(piece));
        }

        return tokens;
    }

    private static float[] Ones(int count) => Enumerable.Repeat(1f, count).ToArray();

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;

    private sealed class Vocabulary
    {
        private const int Normal = 1;
        private const int Unknown = 2;
        private const int Control = 3;
        private const int UserDefined = 4;
        private const int Byte = 6;

        private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);

        public Vocabulary(IReadOnlyList<string> controlTokens, IReadOnlyList<string> markerTokens)
        {
            Markers = [.. markerTokens, .. controlTokens];
            Add("<unk>", Unknown, 0f);
            Add("<s>", Control, 0f);
            Add("</s>", Control, 0f);
            for (int value = 0; value < 256; value++)
            {
                Add(ByteText((byte)value), Byte, 0f);
            }

            foreach (var token in controlTokens)
            {
                Add(token, Control, 0f);
            }

            foreach (var token in markerTokens)
            {
                Add(token, UserDefined, 0f);
            }
        }

        /// <summary>The tokens a script writes whole: its markers, and control tokens (Mistral's <c>[TOOL_CALLS]</c>).</summary>
        public IReadOnlyList<string> Markers { get; }

        public List<string> Texts { get; } = [];

        public List<float> Scores { get; } = [];

        public List<int> Types { get; } = [];

        public int Count => Texts.Count;

        public static string ByteText(byte value) => $"<0x{value:X2}>";

        public int IdOf(string text) => _ids[text];

        public bool IsReserved(string text) => _ids.ContainsKey(text);

        public int AddNormal(string text) => Add(text, Normal, -Count);

        private int Add(string text, int type, float score)
        {
            int id = Texts.Count;
            _ids.Add(text, id);
            Texts.Add(text);
            Scores.Add(score);
            Types.Add(type);
            return id;
        }
    }
}
