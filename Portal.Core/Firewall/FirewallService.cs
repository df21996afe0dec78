using System.Globalization;
using Jakamo.Portal.Core.Auditing;
using Jakamo.Portal.Core.Common;
using Jakamo.Portal.Core.Data;
using Jakamo.Portal.Core.Deliveries.Sending;
using Jakamo.Portal.Core.Security;
using Microsoft.EntityFrameworkCore;

namespace Jakamo.Portal.Core.Firewall;

/// <summary>The set of opened hosts, for checking many URLs against one load.</summary>
public sealed class FirewallHosts(IEnumerable<string> hosts)
{
    private readonly HashSet<string> _hosts = new(hosts, StringComparer.OrdinalIgnoreCase);

    public static async Task<FirewallHosts> LoadAsync(PortalDbContext db, CancellationToken ct) =>
        new(await db.FirewallOpenings.AsNoTracking().Select(f => f.Host).ToListAsync(ct));

    public bool IsOpened(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && _hosts.Contains(NormalizeHost(uri.Host));

    /// <summary>Lower case, IDN as punycode, IPv6 without brackets, no trailing dot.</summary>
    public static string NormalizeHost(string host)
    {
        var trimmed = host.Trim().TrimEnd('.').Trim('[', ']');
        return new IdnMapping().GetAscii(trimmed).ToLowerInvariant();
    }
}

public sealed record FirewallOpeningView(int Id, string Host, string? Note, DateTime CreatedAt, string CreatedBy, int WebhookCount);

/// <summary>Support's list of hosts opened in the firewall.</summary>
public sealed class FirewallService(IDbContextFactory<PortalDbContext> dbFactory, AuditTrail audit, TimeProvider time, OpenedHostsCache openedHosts)
{
    public const int NoteMaxLength = 500;

    private const string Entity = "FirewallOpening";

    public async Task<IReadOnlyList<FirewallOpeningView>> ListAsync(PortalActor actor, CancellationToken ct = default)
    {
        actor.RequireSupport();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var openings = await db.FirewallOpenings.AsNoTracking().OrderBy(f => f.Host).ToListAsync(ct);
        var urls = await db.Webhooks.AsNoTracking().Select(w => w.PayloadUrl).ToListAsync(ct);
        var hostCounts = urls
            .Select(u => Uri.TryCreate(u, UriKind.Absolute, out var uri) ? FirewallHosts.NormalizeHost(uri.Host) : "")
            .GroupBy(h => h, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.OrdinalIgnoreCase);
        return [.. openings.Select(f => new FirewallOpeningView(f.Id, f.Host, f.Note, f.CreatedAt, f.CreatedBy, hostCounts.GetValueOrDefault(f.Host)))];
    }

    /// <summary>Hosts of webhooks that are waiting for support to open them.</summary>
    public async Task<IReadOnlyList<string>> WaitingHostsAsync(PortalActor actor, CancellationToken ct = default)
    {
        actor.RequireSupport();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var opened = await FirewallHosts.LoadAsync(db, ct);
        var urls = await db.Webhooks.AsNoTracking().Select(w => w.PayloadUrl).ToListAsync(ct);
        return [.. urls.Where(u => !opened.IsOpened(u))
            .Select(u => Uri.TryCreate(u, UriKind.Absolute, out var uri) ? FirewallHosts.NormalizeHost(uri.Host) : null)
            .OfType<string>().Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal)];
    }

    public async Task<FirewallOpeningView> AddAsync(PortalActor actor, string? host, string? note, CancellationToken ct = default)
    {
        actor.RequireSupport();
        var normalized = ValidateHost(host);
        var trimmedNote = string.IsNullOrWhiteSpace(note) ? null : note.Trim();
        if (trimmedNote is { Length: > NoteMaxLength })
        {
            throw new PortalValidationException("note", $"Note can be at most {NoteMaxLength} characters.");
        }

        TextRules.ThrowIfHiddenCharacters(trimmedNote, "note", "Note");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await db.FirewallOpenings.AnyAsync(f => f.Host == normalized, ct))
        {
            throw new PortalValidationException("host", $"{normalized} is already opened.");
        }

        var opening = new FirewallOpening
        {
            Host = normalized,
            Note = trimmedNote,
            CreatedAt = time.GetUtcNow().UtcDateTime,
            CreatedBy = actor.UserName,
        };
        db.FirewallOpenings.Add(opening);
        await db.SaveChangesAsync(ct);
        audit.Record(db, actor, null, Entity, opening.Id, "Opened", $"Opened {normalized}");
        await db.SaveChangesAsync(ct);
        openedHosts.Invalidate();
        return new FirewallOpeningView(opening.Id, opening.Host, opening.Note, opening.CreatedAt, opening.CreatedBy, 0);
    }

    public async Task RemoveAsync(PortalActor actor, int id, CancellationToken ct = default)
    {
        actor.RequireSupport();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var opening = await db.FirewallOpenings.FirstOrDefaultAsync(f => f.Id == id, ct)
            ?? throw new PortalNotFoundException($"Firewall opening {id}");
        db.FirewallOpenings.Remove(opening);
        audit.Record(db, actor, null, Entity, id, "Closed", $"Closed {opening.Host}");
        await db.SaveChangesAsync(ct);
        openedHosts.Invalidate();
    }

    private static string ValidateHost(string? host)
    {
        const string field = "host";
        if (string.IsNullOrWhiteSpace(host))
        {
            throw new PortalValidationException(field, "Host is required, for example erp.example.com.");
        }

        var candidate = host.Trim();
        if (Uri.TryCreate(candidate, UriKind.Absolute, out var asUrl) && !string.IsNullOrEmpty(asUrl.Host) && candidate.Contains("://", StringComparison.Ordinal))
        {
            candidate = asUrl.Host;
        }

        string normalized;
        try
        {
            normalized = FirewallHosts.NormalizeHost(candidate);
        }
        catch (ArgumentException)
        {
            throw new PortalValidationException(field, "Enter a host name or IP address, for example erp.example.com.");
        }

        if (normalized.Length is 0 or > 253 || Uri.CheckHostName(normalized) == UriHostNameType.Unknown)
        {
            throw new PortalValidationException(field, "Enter a host name or IP address, for example erp.example.com.");
        }

        if (SpecialUseNames.WhyUnreachable(normalized) is { } reason)
        {
            throw new PortalValidationException(field, $"{normalized} can never be reached: {reason}.");
        }

        return normalized;
    }
}
