using System.Text;

namespace Edison.Core.Llama.Gguf;

/// <summary>
/// Writes GGUF version 3 files (the format llama.cpp loads): a header, typed metadata, tensor descriptions and
/// 32-byte aligned F32 tensor data. Only what Edison's generated models need is supported.
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

        _tensors.Add(new GgufTensor(name, dimensions, data));
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

            writer.Write((uint)GgmlType.F32);
            writer.Write(offset);
            offset += Align((ulong)tensor.Data.Length * sizeof(float));
        }

        Pad(writer);
        foreach (var tensor in _tensors)
        {
            foreach (var value in tensor.Data)
            {
                writer.Write(value);
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

    private sealed record GgufTensor(string Name, long[] Dimensions, float[] Data);

    private enum GgmlType : uint
    {
        F32 = 0,
    }
}
