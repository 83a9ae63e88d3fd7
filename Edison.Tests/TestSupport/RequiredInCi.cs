namespace Edison.Tests.TestSupport;

/// <summary>
/// What a test needs from the machine (a browser, PostgreSQL). Outside CI a test without it reports skipped, with the
/// reason; in CI (<c>CI=true</c>, which <c>.ci/run</c> sets) it fails, so a missing install step cannot pass as green.
/// </summary>
public static class RequiredInCi
{
    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Null when <paramref name="available"/>; otherwise why the test cannot run, or, in CI, a failure.</summary>
    public static string? Missing(bool available, string reason) =>
        available ? null
        : InCi ? throw new InvalidOperationException($"CI must run this test, but {reason}")
        : reason;
}
