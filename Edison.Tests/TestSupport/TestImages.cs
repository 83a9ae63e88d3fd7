using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;
using System.Text;

namespace Edison.Tests.TestSupport;

/// <summary>Real PNG files, made here: a projector decodes them as it would a photo.</summary>
public static class TestImages
{
    /// <summary>An RGB PNG of the given size, a diagonal gradient in the given tint.</summary>
    public static byte[] Png(int width, int height, (byte R, byte G, byte B) tint)
    {
        using var pixels = new MemoryStream();
        using (var zlib = new ZLibStream(pixels, CompressionLevel.Optimal, leaveOpen: true))
        {
            for (int y = 0; y < height; y++)
            {
                // Each row starts with its filter type: 0, none.
                zlib.WriteByte(0);
                for (int x = 0; x < width; x++)
                {
                    int shade = (x + y) * 255 / Math.Max(1, width + height - 2);
                    zlib.Write([(byte)(tint.R * shade / 255), (byte)(tint.G * shade / 255), (byte)(tint.B * shade / 255)]);
                }
            }
        }

        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8; // bits per channel
        header[9] = 2; // truecolour

        using var png = new MemoryStream();
        png.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        WriteChunk(png, "IHDR", header);
        WriteChunk(png, "IDAT", pixels.ToArray());
        WriteChunk(png, "IEND", []);
        return png.ToArray();
    }

    /// <summary>The PNG as a data URL, as the page and OpenAI clients send images.</summary>
    public static string DataUrl(byte[] png) => $"data:image/png;base64,{Convert.ToBase64String(png)}";

    private static void WriteChunk(Stream png, string type, byte[] data)
    {
        Span<byte> number = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(number, data.Length);
        png.Write(number);
        var typed = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        png.Write(typed);
        BinaryPrimitives.WriteUInt32BigEndian(number, Crc32.HashToUInt32(typed));
        png.Write(number);
    }
}
