using System.Globalization;
using System.Net;

namespace Jakamo.Portal.Core.Deliveries.Sending;

/// <summary>The outbound guard refused to connect: every address of the host is in a range the portal never reaches,
/// or the name itself can never be reached.</summary>
public sealed class OutboundBlockedException : HttpRequestException
{
    public OutboundBlockedException()
    {
    }

    public OutboundBlockedException(string message)
        : base(message)
    {
    }

    public OutboundBlockedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal OutboundBlockedException(string host, IPAddress address, string category, int otherRefused)
        : base(Describe(host, address, category, otherRefused))
    {
        Address = address;
        Category = category;
    }

    /// <summary>A host name refused before any lookup, such as one under <c>.invalid</c>.</summary>
    internal OutboundBlockedException(string host, string reason)
        : base($"Refused to connect to {host}: {reason}")
    {
    }

    /// <summary>The refused address.</summary>
    public IPAddress? Address { get; }

    /// <summary>Why it was refused, e.g. "loopback" or "private".</summary>
    public string? Category { get; }

    private static string Describe(string host, IPAddress address, string category, int otherRefused)
    {
        var literal = OutboundAddressPolicy.Literal(address);
        var target = IPAddress.TryParse(host, out _) ? literal : $"{host} at {literal}";
        var others = otherRefused switch
        {
            0 => "",
            1 => " (and 1 more address)",
            _ => string.Create(CultureInfo.InvariantCulture, $" (and {otherRefused} more addresses)"),
        };
        return $"Refused to connect to {target} ({category}){others}: not opened in the firewall";
    }
}
