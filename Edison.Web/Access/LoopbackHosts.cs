using System.Net;

namespace Edison.Web.Access;

/// <summary>The names by which a browser on this machine reaches Edison: localhost and the loopback addresses.</summary>
public static class LoopbackHosts
{
    /// <summary>The usual loopback host names, for lists of allowed hosts.</summary>
    public static IReadOnlyList<string> Names { get; } = ["localhost", "127.0.0.1", "[::1]"];

    /// <summary>True for localhost, 127.0.0.0/8 and ::1 (with or without IPv6 brackets), whatever the port.</summary>
    public static bool IsLoopback(string? host)
    {
        if (string.IsNullOrEmpty(host))
        {
            return false;
        }

        var name = host.Trim('[', ']');
        return name.Equals("localhost", StringComparison.OrdinalIgnoreCase)
               || (IPAddress.TryParse(name, out var address) && IPAddress.IsLoopback(address));
    }

    /// <summary>
    /// A request from a browser on this machine that also named this machine: a DNS-rebinding page reaches the
    /// loopback address too, but under its own host name.
    /// </summary>
    public static bool IsLocalBrowser(HttpContext context) =>
        (context.Connection.RemoteIpAddress is not { } remote || IPAddress.IsLoopback(remote)) && IsLoopback(context.Request.Host.Host);
}
