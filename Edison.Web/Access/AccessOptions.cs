using System.ComponentModel.DataAnnotations;
using System.Net;

namespace Edison.Web.Access;

/// <summary>
/// Settings under <c>Edison:Access</c>, and the keys of <c>Edison:ApiKeys</c>: who may use Edison and how far Edison
/// trusts what a request says about itself.
/// </summary>
public sealed class AccessOptions
{
    public const string Section = "Edison:Access";
    public const string ApiKeysSection = "Edison:ApiKeys";

    /// <summary>The keys API clients (and remote browsers, through the sign-in page) must present.</summary>
    public string[] ApiKeys { get; set; } = [];

    /// <summary>
    /// Reverse proxies (addresses, or networks such as 10.0.0.0/8) whose <c>X-Forwarded-For</c> and
    /// <c>X-Forwarded-Proto</c> Edison believes. Anyone else's are ignored, so a request cannot claim to come from
    /// this machine.
    /// </summary>
    public string[] KnownProxies { get; set; } = [];

    /// <summary>Wrong keys (sign-in or bearer) an address may send a minute before it is answered 429; 0 = no limit.</summary>
    [Range(0, 100_000)]
    public int FailedAttemptsPerMinute { get; set; } = 10;

    /// <summary>The proxies as addresses and networks; null when an entry is neither.</summary>
    public (IReadOnlyList<IPAddress> Proxies, IReadOnlyList<IPNetwork> Networks)? ParseKnownProxies()
    {
        var proxies = new List<IPAddress>();
        var networks = new List<IPNetwork>();
        foreach (var entry in KnownProxies.Select(p => p.Trim()).Where(p => p.Length > 0))
        {
            if (entry.Contains('/') && IPNetwork.TryParse(entry, out var network))
            {
                networks.Add(network);
            }
            else if (IPAddress.TryParse(entry, out var address))
            {
                proxies.Add(address);
            }
            else
            {
                return null;
            }
        }

        return (proxies, networks);
    }
}

/// <summary><c>Edison:RateLimit</c>: generation requests allowed per API key (or client address without keys).</summary>
public sealed class RateLimitOptions
{
    public const string Section = "Edison:RateLimit";

    /// <summary>0 turns the limit off.</summary>
    [Range(0, 1_000_000)]
    public int PermitsPerMinute { get; set; } = 60;

    /// <summary>Answers one key (or address) may have running or queued at once; 0 = no limit.</summary>
    [Range(0, 1_000)]
    public int ConcurrentPerClient { get; set; } = 4;
}

/// <summary><c>Edison:Cors</c>: browser origins allowed to call the chat and OpenAI endpoints from their own pages.</summary>
public sealed class CorsOriginOptions
{
    public const string Section = "Edison:Cors";

    public string[] Origins { get; set; } = [];
}
