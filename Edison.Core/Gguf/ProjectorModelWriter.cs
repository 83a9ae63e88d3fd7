namespace Edison.Core.Gguf;

/// <summary>
/// Builds a LLaVA-style multimodal projector GGUF with deterministic random weights, in the layout llama.cpp's mtmd
/// loads as projector type "mlp": a CLIP vision encoder of one layer, then two linear layers with a GELU between them
/// into the text model's embedding space. What it sees is noise, but an image really goes through llama.cpp's whole
/// vision path (decoding, resizing, the encoder graph, the embeddings placed in the prompt), in a few milliseconds.
/// </summary>
public static class ProjectorModelWriter
{
    private const int Channels = 3;
    private const int BlockCount = 1;

    public static void Write(ProjectorModelSpec spec, string path) => Build(spec).WriteTo(path);

    public static GgufWriter Build(ProjectorModelSpec spec)
    {
        if (spec.PatchSize <= 0 || spec.ImageSize < spec.PatchSize || spec.ImageSize % spec.PatchSize != 0)
        {
            throw new ArgumentException($"The image size {spec.ImageSize} must be a multiple of the patch size {spec.PatchSize}.", nameof(spec));
        }

        if (spec.Heads <= 0 || spec.Embedding % spec.Heads != 0)
        {
            throw new ArgumentException($"The embedding {spec.Embedding} must be a multiple of the head count {spec.Heads}.", nameof(spec));
        }

        var (embedding, text, patch) = (spec.Embedding, spec.TextEmbedding, spec.PatchSize);
        int patches = (spec.ImageSize / patch) * (spec.ImageSize / patch);

        // Unequal to the embedding: llama.cpp swaps ffn_up and ffn_down of an "mlp" projector whose ffn_down rows are
        // embedding wide, a fix for files written by old converters.
        int feedForward = embedding * 2;

        var writer = new GgufWriter()
            .Add("general.architecture", GgufValue.String("clip"))
            .Add("general.name", GgufValue.String(spec.Name))
            .Add("clip.has_vision_encoder", GgufValue.Bool(true))
            .Add("clip.projector_type", GgufValue.String("mlp"))
            .Add("clip.vision.image_size", GgufValue.UInt32((uint)spec.ImageSize))
            .Add("clip.vision.patch_size", GgufValue.UInt32((uint)patch))
            .Add("clip.vision.embedding_length", GgufValue.UInt32((uint)embedding))
            .Add("clip.vision.feed_forward_length", GgufValue.UInt32((uint)feedForward))
            .Add("clip.vision.projection_dim", GgufValue.UInt32((uint)text))
            .Add("clip.vision.attention.head_count", GgufValue.UInt32((uint)spec.Heads))
            .Add("clip.vision.attention.layer_norm_epsilon", GgufValue.Float32(1e-5f))
            .Add("clip.vision.block_count", GgufValue.UInt32(BlockCount))

            // LLaVA reads the features of the second-to-last layer, which would leave a one-layer encoder unrun;
            // naming the last layer runs it.
            .Add("clip.vision.feature_layer", GgufValue.Ints([BlockCount]))
            .Add("clip.vision.image_mean", GgufValue.Floats([0.5f, 0.5f, 0.5f]))
            .Add("clip.vision.image_std", GgufValue.Floats([0.5f, 0.5f, 0.5f]));

        var random = new DeterministicRandom(seed: 0xC11F);

        // F32 is enough for the patch convolution on the CPU: llama.cpp runs it as im2col in the kernel's own type.
        writer.AddTensor("v.patch_embd.weight", random.Fill(patch * patch * Channels * embedding), patch, patch, Channels, embedding);
        writer.AddTensor("v.position_embd.weight", random.Fill(embedding * patches), embedding, patches);
        for (int block = 0; block < BlockCount; block++)
        {
            var prefix = $"v.blk.{block}.";
            writer.AddTensor(prefix + "ln1.weight", Ones(embedding), embedding);
            writer.AddTensor(prefix + "ln1.bias", new float[embedding], embedding);
            foreach (var name in new[] { "attn_q", "attn_k", "attn_v", "attn_out" })
            {
                writer.AddTensor(prefix + name + ".weight", random.Fill(embedding * embedding), embedding, embedding);
                writer.AddTensor(prefix + name + ".bias", new float[embedding], embedding);
            }

            writer.AddTensor(prefix + "ln2.weight", Ones(embedding), embedding);
            writer.AddTensor(prefix + "ln2.bias", new float[embedding], embedding);
            writer.AddTensor(prefix + "ffn_up.weight", random.Fill(embedding * feedForward), embedding, feedForward);
            writer.AddTensor(prefix + "ffn_up.bias", new float[feedForward], feedForward);
            writer.AddTensor(prefix + "ffn_down.weight", random.Fill(feedForward * embedding), feedForward, embedding);
            writer.AddTensor(prefix + "ffn_down.bias", new float[embedding], embedding);
        }

        // llama.cpp reads the projector's output width from mm.2.weight, so the second layer is not optional.
        writer.AddTensor("mm.0.weight", random.Fill(embedding * text), embedding, text);
        writer.AddTensor("mm.0.bias", new float[text], text);
        writer.AddTensor("mm.2.weight", random.Fill(text * text), text, text);
        writer.AddTensor("mm.2.bias", new float[text], text);
        return writer;
    }

    private static float[] Ones(int count) => [.. Enumerable.Repeat(1f, count)];
}
