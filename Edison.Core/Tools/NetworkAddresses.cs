using System.Net;
using System.Net.Sockets;

namespace Edison.Core.Tools;

/// <summary>
/// Which addresses a tool may reach: the public internet only. Loopback, private (RFC 1918, unique local), shared
/// (carrier-grade NAT), link-local (a cloud's metadata service at 169.254.169.254), multicast, reserved and
/// documentation ranges are refused, as are IPv6 forms that carry such an IPv4 address (mapped, NAT64, 6to4).
/// </summary>
public static class NetworkAddresses
{
    private static readonly (IPAddress Network, int Bits)[] RefusedV4 =
    [
        (IPAddress.Parse("0.0.0.0"), 8),
        (IPAddress.Parse("10.0.0.0"), 8),
        (IPAddress.Parse("100.64.0.0"), 10),
        (IPAddress.Parse("127.0.0.0"), 8),
        (IPAddress.Parse("169.254.0.0"), 16),
        (IPAddress.Parse("172.16.0.0"), 12),
        (IPAddress.Parse("192.0.0.0"), 24),
        (IPAddress.Parse("192.0.2.0"), 24),
        (IPAddress.Parse("192.88.99.0"), 24),
        (IPAddress.Parse("192.168.0.0"), 16),
        (IPAddress.Parse("198.18.0.0"), 15),
        (IPAddress.Parse("198.51.100.0"), 24),
        (IPAddress.Parse("203.0.113.0"), 24),
        (IPAddress.Parse("224.0.0.0"), 4),
        (IPAddress.Parse("240.0.0.0"), 4),
    ];

    private static readonly (IPAddress Network, int Bits)[] RefusedV6 =
    [
        // Unspecified, loopback and the deprecated IPv4-compatible form (::127.0.0.1), which some stacks still route.
        (IPAddress.Parse("::"), 96),
        (IPAddress.Parse("fc00::"), 7),
        (IPAddress.Parse("fe80::"), 10),
        (IPAddress.Parse("fec0::"), 10),
        (IPAddress.Parse("ff00::"), 8),
        (IPAddress.Parse("2001:db8::"), 32),
        (IPAddress.Parse("100::"), 64),
    ];

    /// <summary>Whether <paramref name="address"/> is on the public internet.</summary>
    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            return !RefusedV4.Any(range => InRange(address, range.Network, range.Bits));
        }

        var bytes = address.GetAddressBytes();

        // NAT64 (64:ff9b::/96) and 6to4 (2002::/16) reach the IPv4 address they carry.
        if (InRange(address, IPAddress.Parse("64:ff9b::"), 96))
        {
            return IsPublic(new IPAddress(bytes[12..16]));
        }

        if (InRange(address, IPAddress.Parse("2002::"), 16))
        {
            return IsPublic(new IPAddress(bytes[2..6]));
        }

        return !RefusedV6.Any(range => InRange(address, range.Network, range.Bits));
    }

    private static bool InRange(IPAddress address, IPAddress network, int bits)
    {
        if (address.AddressFamily != network.AddressFamily)
        {
            return false;
        }

        var (a, n) = (address.GetAddressBytes(), network.GetAddressBytes());
        for (int i = 0; i < bits / 8; i++)
        {
            if (a[i] != n[i])
            {
                return false;
            }
        }

        int rest = bits % 8;
        return rest == 0 || (a[bits / 8] >> (8 - rest)) == (n[bits / 8] >> (8 - rest));
    }
}
