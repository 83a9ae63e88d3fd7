namespace Edison.Core.Gguf;

/// <summary>A typed GGUF metadata value; the type codes are those of the GGUF specification.</summary>
public abstract record GgufValue
{
    public static GgufValue UInt32(uint value) => new Scalar(GgufType.UInt32, w => w.Write(value));

    public static GgufValue Int32(int value) => new Scalar(GgufType.Int32, w => w.Write(value));

    public static GgufValue Float32(float value) => new Scalar(GgufType.Float32, w => w.Write(value));

    public static GgufValue Bool(bool value) => new Scalar(GgufType.Bool, w => w.Write(value));

    public static GgufValue String(string value) => new Scalar(GgufType.String, w => GgufWriter.WriteString(w, value));

    public static GgufValue Strings(IReadOnlyList<string> values) =>
        new Array(GgufType.String, values.Count, w =>
        {
            foreach (var value in values)
            {
                GgufWriter.WriteString(w, value);
            }
        });

    public static GgufValue Floats(IReadOnlyList<float> values) =>
        new Array(GgufType.Float32, values.Count, w =>
        {
            foreach (var value in values)
            {
                w.Write(value);
            }
        });

    public static GgufValue Ints(IReadOnlyList<int> values) =>
        new Array(GgufType.Int32, values.Count, w =>
        {
            foreach (var value in values)
            {
                w.Write(value);
            }
        });

    internal abstract void WriteTo(BinaryWriter writer);

    private sealed record Scalar(GgufType Type, Action<BinaryWriter> WriteValue) : GgufValue
    {
        internal override void WriteTo(BinaryWriter writer)
        {
            writer.Write((uint)Type);
            WriteValue(writer);
        }
    }

    private sealed record Array(GgufType ElementType, int Count, Action<BinaryWriter> WriteElements) : GgufValue
    {
        internal override void WriteTo(BinaryWriter writer)
        {
            writer.Write((uint)GgufType.Array);
            writer.Write((uint)ElementType);
            writer.Write((ulong)Count);
            WriteElements(writer);
        }
    }

    private enum GgufType : uint
    {
        UInt32 = 4,
        Int32 = 5,
        Float32 = 6,
        Bool = 7,
        String = 8,
        Array = 9,
    }
}
