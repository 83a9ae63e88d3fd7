using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Edison.Web.Access;

/// <summary>
/// Counts wrong keys per client address (sign-in and bearer alike): past <see cref="AccessOptions.FailedAttemptsPerMinute"/>
/// an address's wrong keys are answered 429 until its minute is up, so keys cannot be guessed at speed. The right key
/// is never refused: the address may be shared with others (a proxy, another process on this machine), and they must
/// not be able to lock the owner out.
/// </summary>
public sealed class FailedAccessLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string> _failures;

    public FailedAccessLimiter(IOptions<AccessOptions> options)
    {
        int permits = options.Value.FailedAttemptsPerMinute;
        _failures = PartitionedRateLimiter.Create<string, string>(address => permits == 0
            ? RateLimitPartition.GetNoLimiter(address)
            : RateLimitPartition.GetFixedWindowLimiter(address, _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = permits,
                Window = TimeSpan.FromMinutes(1),
                QueueLimit = 0,
            }));
    }

    /// <summary>The seconds to wait, as a Retry-After value, when this address has used up its attempts; else null.</summary>
    public string? RetryAfter(HttpContext context)
    {
        using var lease = _failures.AttemptAcquire(Address(context), permitCount: 0);
        if (lease.IsAcquired)
        {
            return null;
        }

        return lease.TryGetMetadata(MetadataName.RetryAfter, out var wait)
            ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture)
            : "60";
    }

    public void Failed(HttpContext context)
    {
        using var _ = _failures.AttemptAcquire(Address(context));
    }

    public void Dispose() => _failures.Dispose();

    private static string Address(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "local";
}
