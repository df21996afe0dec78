using System.Collections.Frozen;
using System.Net;
using Jakamo.Portal.Core.Data;
using Jakamo.Portal.Core.Firewall;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Jakamo.Portal.Core.Deliveries.Sending;

/// <summary>
/// The firewall openings, read from the database at most every few seconds. <see cref="FirewallService"/> calls
/// <see cref="Invalidate"/> after a change, so an opening made on this node counts from the next check on.
/// </summary>
public sealed partial class OpenedHostsCache(
    IDbContextFactory<PortalDbContext> dbFactory,
    TimeProvider time,
    ILogger<OpenedHostsCache> logger) : IOpenedHosts
{
    /// <summary>How stale the set may get; other nodes' changes reach this one within it.</summary>
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(5);

    private readonly Lock _reloading = new();
    private volatile Snapshot? _snapshot;

    public bool IsOpened(string host)
    {
        if (string.IsNullOrWhiteSpace(host))
        {
            return false;
        }

        return Current().Hosts.Contains(Canonical(host));
    }

    /// <summary>Makes the next check read the database again.</summary>
    public void Invalidate()
    {
        // Expire rather than drop it, so a database outage right after a change still has a set to fall back on.
        if (_snapshot is { } current)
        {
            _snapshot = current with { ExpiresAt = DateTimeOffset.MinValue };
        }
    }

    private Snapshot Current()
    {
        var snapshot = _snapshot;
        if (snapshot is not null && time.GetUtcNow() < snapshot.ExpiresAt)
        {
            return snapshot;
        }

        lock (_reloading)
        {
            snapshot = _snapshot;
            if (snapshot is not null && time.GetUtcNow() < snapshot.ExpiresAt)
            {
                return snapshot;
            }

            try
            {
                snapshot = Load();
            }
            catch (Exception ex) when (snapshot is not null)
            {
                // Keep guarding with the last known set rather than failing every delivery while the database is away.
                LogReloadFailed(logger, ex);
                snapshot = snapshot with { ExpiresAt = time.GetUtcNow() + RefreshInterval };
            }

            _snapshot = snapshot;
            return snapshot;
        }
    }

    private Snapshot Load()
    {
        // Synchronous on purpose: IOpenedHosts is asked from inside a connect callback and the policy is synchronous.
        using var db = dbFactory.CreateDbContext();
        var hosts = db.FirewallOpenings.AsNoTracking().Select(f => f.Host).ToList();
        return new Snapshot(hosts.Select(Canonical).ToFrozenSet(StringComparer.OrdinalIgnoreCase), time.GetUtcNow() + RefreshInterval);
    }

    /// <summary>Host names as <see cref="FirewallHosts.NormalizeHost"/> stores them; IP literals in their canonical form.</summary>
    private static string Canonical(string host)
    {
        var trimmed = host.Trim().Trim('[', ']');
        if (IPAddress.TryParse(trimmed, out var address))
        {
            return OutboundAddressPolicy.Literal(address);
        }

        try
        {
            return FirewallHosts.NormalizeHost(trimmed);
        }
        catch (ArgumentException)
        {
            return trimmed.ToLowerInvariant();
        }
    }

    [LoggerMessage(LogLevel.Warning, "Could not reload the firewall openings; using the last known set.")]
    private static partial void LogReloadFailed(ILogger logger, Exception exception);

    private sealed record Snapshot(FrozenSet<string> Hosts, DateTimeOffset ExpiresAt);
}
