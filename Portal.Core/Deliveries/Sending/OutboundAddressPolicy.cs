using System.Net;
using System.Net.Sockets;

namespace Jakamo.Portal.Core.Deliveries.Sending;

/// <summary>The verdict on one address; <see cref="Category"/> names the special range it falls in, if any.</summary>
internal readonly record struct AddressDecision(bool Allowed, string? Category);

/// <summary>
/// Decides whether the portal may open a connection to an IP address (SPEC "Firewall openings and outbound safety").
/// Addresses in special ranges are refused unless support opened that very address, or configuration allows loopback.
/// </summary>
internal static class OutboundAddressPolicy
{
    public const string Loopback = "loopback";
    public const string Private = "private";
    public const string LinkLocal = "link-local";
    public const string CarrierGradeNat = "carrier-grade NAT";
    public const string Multicast = "multicast";
    public const string Unspecified = "unspecified";
    public const string Broadcast = "broadcast";
    public const string CloudMetadata = "cloud metadata";
    public const string Reserved = "reserved";

    private static readonly IPAddress Ec2MetadataV6 = IPAddress.Parse("fd00:ec2::254");

    public static AddressDecision Evaluate(IPAddress address, IOpenedHosts openedHosts, bool allowLoopback)
    {
        var category = Classify(address);
        if (category is null)
        {
            return new AddressDecision(true, null);
        }

        var allowed = (allowLoopback && category == Loopback) || IsOpened(address, openedHosts);
        return new AddressDecision(allowed, category);
    }

    /// <summary>The special range the address belongs to, or null for an ordinary public address.</summary>
    public static string? Classify(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            return ClassifyV4(address.MapToIPv4().GetAddressBytes());
        }

        return address.AddressFamily switch
        {
            AddressFamily.InterNetwork => ClassifyV4(address.GetAddressBytes()),
            AddressFamily.InterNetworkV6 => ClassifyV6(address),
            _ => Reserved,
        };
    }

    /// <summary>The canonical literal support would have opened: IPv6 compressed, lower case, no brackets, no scope.</summary>
    public static string Literal(IPAddress address) => new IPAddress(address.GetAddressBytes()).ToString();

    private static bool IsOpened(IPAddress address, IOpenedHosts openedHosts) =>
        openedHosts.IsOpened(Literal(address))
        || (address.IsIPv4MappedToIPv6 && openedHosts.IsOpened(Literal(address.MapToIPv4())));

    private static string? ClassifyV4(byte[] b) => b switch
    {
        [255, 255, 255, 255] => Broadcast,
        [0, 0, 0, 0] => Unspecified,
        [0, ..] => Reserved,
        [127, ..] => Loopback,
        [10, ..] => Private,
        [172, >= 16 and <= 31, ..] => Private,
        [192, 168, ..] => Private,
        [169, 254, 169, 254] => CloudMetadata,
        [169, 254, ..] => LinkLocal,
        [100, >= 64 and <= 127, ..] => CarrierGradeNat,
        [>= 224 and <= 239, ..] => Multicast,
        [>= 240, ..] => Reserved,
        [192, 0, 0, _] => Reserved,
        [198, 18 or 19, ..] => Reserved,
        // Documentation ranges are never routed on the internet, so a connection to one can only reach something odd.
        [192, 0, 2, _] or [198, 51, 100, _] or [203, 0, 113, _] => Reserved,
        _ => null,
    };

    private static string? ClassifyV6(IPAddress address)
    {
        if (address.Equals(IPAddress.IPv6None) || address.Equals(IPAddress.IPv6Any))
        {
            return Unspecified;
        }

        if (address.Equals(IPAddress.IPv6Loopback))
        {
            return Loopback;
        }

        var withoutScope = new IPAddress(address.GetAddressBytes());
        if (withoutScope.Equals(Ec2MetadataV6))
        {
            return CloudMetadata;
        }

        var b = address.GetAddressBytes();
        if (b[0] == 0xff)
        {
            return Multicast;
        }

        if ((b[0] & 0xfe) == 0xfc)
        {
            return Private;
        }

        if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80)
        {
            return LinkLocal;
        }

        // fec0::/10, the deprecated site-local range, still means "inside this network".
        if (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0)
        {
            return Private;
        }

        // NAT64 (64:ff9b::/96) and 6to4 (2002::/16) carry an IPv4 address that the gateway connects to.
        if (StartsWith(b, 0x00, 0x64, 0xff, 0x9b) && b.AsSpan(4, 8).IndexOfAnyExcept((byte)0) < 0)
        {
            return ClassifyV4(b[12..16]);
        }

        if (b[0] == 0x20 && b[1] == 0x02)
        {
            return ClassifyV4(b[2..6]);
        }

        // The rest of ::/96 (deprecated IPv4-compatible), the discard prefix 100::/64, the local-use NAT64
        // prefix 64:ff9b:1::/48 and the documentation prefix 2001:db8::/32.
        if (b.AsSpan(0, 12).IndexOfAnyExcept((byte)0) < 0
            || (StartsWith(b, 0x01, 0x00) && b.AsSpan(2, 6).IndexOfAnyExcept((byte)0) < 0)
            || StartsWith(b, 0x00, 0x64, 0xff, 0x9b, 0x00, 0x01)
            || StartsWith(b, 0x20, 0x01, 0x0d, 0xb8))
        {
            return Reserved;
        }

        return null;
    }

    private static bool StartsWith(byte[] bytes, params ReadOnlySpan<byte> prefix) => bytes.AsSpan().StartsWith(prefix);
}
