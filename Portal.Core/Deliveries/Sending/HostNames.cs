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
    /// (RFC 6761 section 6.3). Throws <see cref="OutboundBlockedException"/> for a name that can never be reached
    /// (see <see cref="WhyUnreachable"/>).
    /// </summary>
    public static IPAddress[]? LocalAnswer(string host)
    {
        if (IsWithin(Normalize(host), "localhost"))
        {
            return LoopbackAddresses;
        }

        return WhyUnreachable(host) is { } reason ? throw new OutboundBlockedException(host, reason) : null;
    }

    /// <summary>Why a name can never be reached, or null if it might be: <c>.invalid</c> names (RFC 6761 section 6.4)
    /// never exist, and Tor's <c>.onion</c> names (RFC 7686) are out of the portal's reach. The webhook form and the
    /// firewall refuse such names when saved; the outbound guard refuses them again at connect time.</summary>
    public static string? WhyUnreachable(string host)
    {
        var name = Normalize(host);
        if (IsWithin(name, "invalid"))
        {
            return "names under .invalid never exist (RFC 6761); correct the host name";
        }

        return IsWithin(name, "onion") ? "names under .onion are Tor onion services, which the portal cannot reach (RFC 7686)" : null;
    }

    private static string Normalize(string host) => host.TrimEnd('.').ToLowerInvariant();

    private static bool IsWithin(string name, string domain) =>
        name == domain || name.EndsWith("." + domain, StringComparison.Ordinal);
}
