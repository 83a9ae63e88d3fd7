namespace Edison.Core.Models;

/// <param name="Total">The file's size, when the server says it.</param>
/// <param name="Remaining">Time left at the current speed, when it can be told.</param>
public sealed record DownloadProgress(long Received, long? Total, double BytesPerSecond, TimeSpan? Remaining)
{
    public double? Fraction => Total is > 0 ? (double)Received / Total.Value : null;
}
