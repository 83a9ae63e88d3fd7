using System.Buffers.Text;

namespace Edison.Core.Chat;

/// <summary>
/// An image sent with a message: PNG, JPEG or WebP, as a data URL (<c>data:image/png;base64,...</c>) or bare base64.
/// The type is read from the bytes themselves; a data URL that names another type is refused.
/// </summary>
public sealed record ImageAttachment(string MediaType, byte[] Data)
{
    public const string Png = "image/png";
    public const string Jpeg = "image/jpeg";
    public const string WebP = "image/webp";

    /// <summary>The image as the page shows it and a conversation stores it.</summary>
    public string DataUrl => $"data:{MediaType};base64,{Convert.ToBase64String(Data)}";

    /// <summary>Reads the request's images; anything Edison cannot take is a <see cref="ChatRequestException"/>.</summary>
    public static IReadOnlyList<ImageAttachment> ParseAll(IReadOnlyList<string?>? images, ChatLimits limits)
    {
        if (images is null || images.Count == 0)
        {
            return [];
        }

        if (images.Count > limits.MaxImages)
        {
            throw new ChatRequestException($"\"images\" has {images.Count} images; Edison accepts at most {limits.MaxImages} per message.");
        }

        return images.Select((image, index) => Parse(image, $"images[{index}]", limits.MaxImageBytes)).ToList();
    }

    /// <param name="name">How the errors name the image: its place in the request, or its file name.</param>
    public static ImageAttachment Parse(string? value, string name, int maxBytes)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new ChatRequestException($"\"{name}\" is empty.");
        }

        string? declared = null;
        var payload = value.AsSpan().Trim();
        if (payload.StartsWith("http:", StringComparison.OrdinalIgnoreCase) || payload.StartsWith("https:", StringComparison.OrdinalIgnoreCase))
        {
            // Fetching it would let a request make Edison reach any address, its own network's included.
            throw new ChatRequestException($"\"{name}\" is a web address; Edison does not fetch images: send the image itself as a base64 data URL (data:image/png;base64,...).");
        }

        if (payload.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            int comma = payload.IndexOf(',');
            var header = comma < 0 ? payload : payload[..comma];
            if (comma < 0 || !header.EndsWith(";base64", StringComparison.OrdinalIgnoreCase))
            {
                throw new ChatRequestException($"\"{name}\" must be a base64 data URL (data:image/png;base64,...).");
            }

            declared = header["data:".Length..^";base64".Length].ToString().ToLowerInvariant();
            payload = payload[(comma + 1)..];
        }

        // Checked before decoding, so an oversized image costs no memory; the padding makes the estimate up to 2 over.
        int decodedAtMost = Base64.GetMaxDecodedFromUtf8Length(payload.Length);
        if (decodedAtMost > maxBytes + 2)
        {
            throw TooLarge(name, maxBytes);
        }

        var decoded = new byte[decodedAtMost];
        if (!Convert.TryFromBase64Chars(payload, decoded, out int length))
        {
            throw new ChatRequestException($"\"{name}\" is not valid base64.");
        }

        if (length > maxBytes)
        {
            throw TooLarge(name, maxBytes);
        }

        var data = decoded[..length];
        var actual = Sniff(data) ?? throw new ChatRequestException($"\"{name}\" is not a PNG, JPEG or WebP image.");
        if (declared is not null && declared != actual && !(declared == "image/jpg" && actual == Jpeg))
        {
            throw new ChatRequestException($"\"{name}\" says it is {declared} but its bytes are {actual}.");
        }

        return new ImageAttachment(actual, data);
    }

    private static ChatRequestException TooLarge(string name, int maxBytes) =>
        new($"\"{name}\" is larger than {maxBytes / (1024 * 1024.0):0.#} MiB, the most Edison accepts per image.");

    private static string? Sniff(ReadOnlySpan<byte> data) => data switch
    {
        [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, ..] => Png,
        [0xFF, 0xD8, 0xFF, ..] => Jpeg,
        [(byte)'R', (byte)'I', (byte)'F', (byte)'F', _, _, _, _, (byte)'W', (byte)'E', (byte)'B', (byte)'P', ..] => WebP,
        _ => null,
    };
}
