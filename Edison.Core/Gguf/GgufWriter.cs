using System.Text;

namespace Edison.Core.Gguf;

/// <summary>
/// Writes GGUF version 3 files (the format llama.cpp loads): a header, typed metadata, tensor descriptions and
/// 32-byte aligned tensor data, F32 or Q8_0. Only what Edison's generated models need is supported.
/// </summary>
public sealed class GgufWriter
{
    private const uint Version = 3;
    private const int Alignment = 32;

    private readonly List<(string Key, GgufValue Value)> _metadata = [];
    private readonly List<GgufTensor> _tensors = [];

    public GgufWriter Add(string key, GgufValue value)
    {
        _metadata.Add((key, value));
        return this;
    }

    public GgufWriter AddTensor(string name, float[] data, params long[] dimensions)
    {
        long elements = dimensions.Aggregate(1L, (product, d) => product * d);
        if (elements != data.Length)
        {
            throw new ArgumentException($"Tensor {name} has {data.Length} values but its dimensions hold {elements}.", nameof(data));
        }

        _tensors.Add(new GgufTensor(name, dimensions, GgmlType.F32, (ulong)data.Length * sizeof(float), writer =>
        {
            foreach (var value in data)
            {
                writer.Write(value);
            }
        }));
        return this;
    }

    /// <summary>
    /// A Q8_0 tensor (llama.cpp's 8-bit quantisation: blocks of 32 values, each an f16 scale and 32 signed bytes),
    /// its rows written by <paramref name="writeRow"/> when the file is written, so a large model is never held in
    /// memory. The first dimension (a row) must be a multiple of 32.
    /// </summary>
    /// <param name="writeRow">Writes row <c>r</c> as <c>dimensions[0] / 32</c> blocks; see <see cref="Q8Block"/>.</param>
    public GgufWriter AddQ8Tensor(string name, Action<BinaryWriter, long> writeRow, params long[] dimensions)
    {
        if (dimensions[0] % Q8Block.Values != 0)
        {
            throw new ArgumentException($"Tensor {name}: a Q8_0 row holds a multiple of {Q8Block.Values} values.", nameof(dimensions));
        }

        long rows = dimensions.Skip(1).Aggregate(1L, (product, d) => product * d);
        ulong size = (ulong)(rows * (dimensions[0] / Q8Block.Values) * Q8Block.Bytes);
        _tensors.Add(new GgufTensor(name, dimensions, GgmlType.Q8_0, size, writer =>
        {
            for (long row = 0; row < rows; row++)
            {
                writeRow(writer, row);
            }
        }));
        return this;
    }

    public void WriteTo(Stream stream)
    {
        using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        writer.Write("GGUF"u8);
        writer.Write(Version);
        writer.Write((ulong)_tensors.Count);
        writer.Write((ulong)_metadata.Count);

        foreach (var (key, value) in _metadata)
        {
            WriteString(writer, key);
            value.WriteTo(writer);
        }

        ulong offset = 0;
        foreach (var tensor in _tensors)
        {
            WriteString(writer, tensor.Name);
            writer.Write((uint)tensor.Dimensions.Length);
            foreach (var dimension in tensor.Dimensions)
            {
                writer.Write((ulong)dimension);
            }

            writer.Write((uint)tensor.Type);
            writer.Write(offset);
            offset += Align(tensor.Bytes);
        }

        Pad(writer);
        foreach (var tensor in _tensors)
        {
            long start = writer.BaseStream.Position;
            tensor.Write(writer);
            writer.Flush();
            if ((ulong)(writer.BaseStream.Position - start) != tensor.Bytes)
            {
                throw new InvalidOperationException($"Tensor {tensor.Name} wrote {writer.BaseStream.Position - start} bytes instead of {tensor.Bytes}.");
            }

            Pad(writer);
        }
    }

    public void WriteTo(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temporary = path + ".tmp";
        using (var file = File.Create(temporary))
        {
            WriteTo(file);
        }

        // Renamed into place so a reader never sees a half-written model.
        File.Move(temporary, path, overwrite: true);
    }

    internal static void WriteString(BinaryWriter writer, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        writer.Write((ulong)bytes.Length);
        writer.Write(bytes);
    }

    private static ulong Align(ulong size) => (size + Alignment - 1) / Alignment * Alignment;

    private static void Pad(BinaryWriter writer)
    {
        writer.Flush();
        var position = writer.BaseStream.Position;
        var padding = (int)((Alignment - position % Alignment) % Alignment);
        writer.Write(new byte[padding]);
    }

    private sealed record GgufTensor(string Name, long[] Dimensions, GgmlType Type, ulong Bytes, Action<BinaryWriter> Write);

    private enum GgmlType : uint
    {
        F32 = 0,
        Q8_0 = 8,
    }
}

/// <summary>One Q8_0 block: the value of quant <c>q</c> is <c>q × scale</c>.</summary>
public static class Q8Block
{
    public const int Values = 32;
    public const int Bytes = 2 + Values;

    public static void Write(BinaryWriter writer, Half scale, ReadOnlySpan<sbyte> quants)
    {
        writer.Write(scale);
        writer.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(quants));
    }
}
