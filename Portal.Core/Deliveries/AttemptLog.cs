using System.Globalization;
using Jakamo.Portal.Core.Common;
using Jakamo.Portal.Core.Data;
using Jakamo.Portal.Core.Security;
using Microsoft.EntityFrameworkCore;

namespace Jakamo.Portal.Core.Deliveries;

/// <summary>Filters of the transport log; every one optional.</summary>
public sealed record AttemptFilter
{
    public int? CompanyId { get; init; }

    public int? WebhookId { get; init; }

    public string? EventType { get; init; }

    public AttemptOutcome? Outcome { get; init; }

    /// <summary>Taken as UTC (see <see cref="UtcTimes"/>), for the query and for <see cref="Matches"/> alike.</summary>
    public DateTime? From { get; init => field = value?.AsUtc(); }

    /// <summary>Exclusive; taken as UTC like <see cref="From"/>.</summary>
    public DateTime? To { get; init => field = value?.AsUtc(); }

    /// <summary>Matches the event id, the external id or the reference (order number).</summary>
    public string? Search { get; init; }

    /// <summary>Whether a live attempt belongs in a list with this filter.</summary>
    public bool Matches(LiveAttempt attempt) =>
        (CompanyId is null || attempt.CompanyId == CompanyId)
        && (WebhookId is null || attempt.WebhookId == WebhookId)
        && (string.IsNullOrEmpty(EventType) || attempt.EventType == EventType)
        && (Outcome is null || attempt.Outcome == Outcome)
        && (From is null || attempt.StartedAt >= From)
        && (To is null || attempt.StartedAt < To)
        && (string.IsNullOrWhiteSpace(Search)
            || attempt.EventId.ToString(CultureInfo.InvariantCulture) == Search.Trim()
            || string.Equals(attempt.Reference, Search.Trim(), StringComparison.Ordinal));
}

/// <summary>One transport-log row.</summary>
public sealed record AttemptRow(
    long Id,
    long DeliveryId,
    int CompanyId,
    int WebhookId,
    string WebhookName,
    long EventId,
    string EventType,
    string? ExternalId,
    string? Reference,
    int Number,
    AttemptTrigger Trigger,
    string? TriggeredBy,
    DateTime StartedAt,
    int DurationMs,
    AttemptOutcome Outcome,
    int? ResponseStatus,
    string Messages);

/// <summary>Reads the transport log, newest first, paged on the server.</summary>
public interface IAttemptLog
{
    Task<PagedResult<AttemptRow>> ListAsync(PortalActor actor, AttemptFilter filter, int page, int pageSize, CancellationToken ct = default);
}

internal sealed class AttemptLog(IDbContextFactory<PortalDbContext> dbFactory) : IAttemptLog
{
    public async Task<PagedResult<AttemptRow>> ListAsync(PortalActor actor, AttemptFilter filter, int page, int pageSize, CancellationToken ct = default)
    {
        Paging.Validate(page, pageSize);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.Attempts.AsNoTracking().Matching(db, actor, filter.CompanyId, filter.WebhookId, filter.EventType, filter.Search);
        if (filter.Outcome is { } outcome)
        {
            query = query.Where(a => a.Outcome == outcome);
        }

        if (filter.From is { } from)
        {
            query = query.Where(a => a.StartedAt >= from);
        }

        if (filter.To is { } to)
        {
            query = query.Where(a => a.StartedAt < to);
        }

        var total = await query.CountAsync(ct);

        // The page is cut from ids alone, so the rows skipped on the way to a deep page are read from an index, never the table.
        var rows = await query.OrderByDescending(a => a.Id).Skip((page - 1) * pageSize).Take(pageSize).Select(a => a.Id)
            .Join(db.Attempts, id => id, a => a.Id, (_, a) => a)
            .OrderByDescending(a => a.Id)
            .Select(a => new AttemptRow(
                a.Id,
                a.DeliveryId,
                a.CompanyId,
                a.WebhookId,
                a.Delivery!.Webhook!.Name,
                a.EventId,
                a.EventType,
                a.Delivery.Event!.ExternalId,
                a.Delivery.Event.Reference,
                a.Number,
                a.Trigger,
                a.TriggeredBy,
                a.StartedAt,
                a.DurationMs,
                a.Outcome,
                a.ResponseStatus,
                a.Messages))
            .ToListAsync(ct);
        return new PagedResult<AttemptRow>(rows, total, page, pageSize);
    }
}
