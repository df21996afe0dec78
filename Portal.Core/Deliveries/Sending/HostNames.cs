using System.Net;

namespace Jakamo.Portal.Core.Deliveries.Sending;

/// <summary>Looks up the addresses of a host name. The system resolver, unless a test puts a recording one in its place.</summary>
internal interface IHostNameResolver
{
    Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken);
}

internal sealed class SystemHostNameResolver : IHostNameResolver
{
    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) =>
        Dns.GetHostAddressesAsync(host, cancellationToken);
}

/// <summary>
/// Special-use domain names (RFC 6761) the outbound guard answers itself, so no DNS query leaves the machine for them.
/// <c>.test</c> and <c>.example</c> are left to the resolver, as RFC 6761 sections 6.2 and 6.5 ask of applications; the
/// address guard still checks whatever they resolve to.
/// </summary>
internal static class SpecialUseNames
{
    private static readonly IPAddress[] LoopbackAddresses = [IPAddress.Loopback, IPAddress.IPv6Loopback];

    /// <summary>
    /// The addresses a name has without asking DNS: the loopback addresses for <c>localhost</c> and names under it
    /// (RFC 6761 section 6.3). Throws <see cref="OutboundBlockedException"/> for a name that can never be reached:
    /// <c>.invalid</c> (RFC 6761 section 6.4) and Tor's <c>.onion</c> (RFC 7686).
    /// </summary>
    public static IPAddress[]? LocalAnswer(string host)
    {
        var name = host.TrimEnd('.').ToLowerInvariant();
        if (IsWithin(name, "localhost"))
        {
            return LoopbackAddresses;
        }

        if (IsWithin(name, "invalid"))
        {
            throw new OutboundBlockedException(host, "names under .invalid never exist (RFC 6761); correct the host name");
        }

        if (IsWithin(name, "onion"))
        {
            throw new OutboundBlockedException(host, "names under .onion are Tor onion services, which the portal cannot reach (RFC 7686)");
        }

        return null;
    }

    private static bool IsWithin(string name, string domain) =>
        name == domain || name.EndsWith("." + domain, StringComparison.Ordinal);
}
