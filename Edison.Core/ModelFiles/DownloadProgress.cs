using System.Globalization;

namespace Edison.Core.ModelFiles;

/// <param name="Total">The file's size, when the server says it.</param>
/// <param name="Remaining">Time left at the current speed, when it can be told.</param>
public sealed record DownloadProgress(long Received, long? Total, double BytesPerSecond, TimeSpan? Remaining)
{
    public double? Fraction => Total is > 0 ? (double)Received / Total.Value : null;

    /// <summary>The figures as people read them, for the page and the terminal alike: "45%", "12.3 MB of 490.0 MB", "5.0 MB/s", "0:01:20".</summary>
    public (string Percent, string Amount, string Speed, string? TimeLeft) Figures =>
    (
        string.Create(CultureInfo.InvariantCulture, $"{(Fraction ?? 0) * 100:0}%"),
        Total is { } total ? $"{Megabytes(Received)} of {Megabytes(total)}" : Megabytes(Received),
        $"{Megabytes((long)BytesPerSecond)}/s",
        Remaining is { } left ? left.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture) : null);

    private static string Megabytes(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1_000_000.0:0.0} MB");
}
