using Jakamo.Portal.Core.Data;
using Jakamo.Portal.Core.Deliveries;
using Jakamo.Portal.Core.Security;
using Microsoft.EntityFrameworkCore;

namespace Jakamo.Portal.Core.Monitoring;

/// <summary>The support dashboard's figures, each aggregated in the database at the <see cref="TimeProvider"/>'s now.</summary>
public sealed class DashboardService(IDbContextFactory<PortalDbContext> dbFactory, WebhookHealthService health, TimeProvider time)
{
    public async Task<DashboardSummary> GetAsync(PortalActor actor, CancellationToken ct = default)
    {
        actor.RequireSupport();
        var now = time.GetUtcNow().UtcDateTime;
        var since = now - DashboardSummary.Window;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var deliveries = db.Deliveries.AsNoTracking();

        var created = await deliveries.CountAsync(d => d.CreatedAt >= since, ct);

        // Driven from the attempts in the window (a range of one index), not from every delivery and its attempts. Grouped by
        // webhook too: a webhook with a Failed delivery among them is on the failing list.
        var attemptedIds = db.Attempts.Where(a => a.StartedAt >= since).Select(a => a.DeliveryId);
        var attempted = await deliveries
            .Where(d => (d.Status == DeliveryStatus.Succeeded || d.Status == DeliveryStatus.Failed) && attemptedIds.Contains(d.Id))
            .GroupBy(d => new { d.WebhookId, d.Status })
            .Select(g => new { g.Key.WebhookId, g.Key.Status, Count = g.Count() })
            .ToListAsync(ct);
        var held = await deliveries.CountAsync(d => d.Status == DeliveryStatus.Held, ct);
        var backlog = await db.QueueMessages.CountAsync(q => q.RemovedAt == null, ct);
        var failedInWindow = attempted.Where(a => a.Status == DeliveryStatus.Failed).Select(a => a.WebhookId).ToList();

        return new DashboardSummary(
            now,
            since,
            created,
            attempted.Where(a => a.Status == DeliveryStatus.Succeeded).Sum(a => a.Count),
            attempted.Where(a => a.Status == DeliveryStatus.Failed).Sum(a => a.Count),
            held,
            backlog,
            await HourlyAsync(db, now, ct),
            await FailingWebhooksAsync(db, actor, failedInWindow, ct));
    }

    /// <summary>How far the resend of <paramref name="deliveryIds"/> has got. A resend is done once the engine has consumed
    /// its request (cleared <see cref="Delivery.ResendRequestedAt"/>), which it does in the commit that stores the attempt.</summary>
    public async Task<ResendProgress> GetResendProgressAsync(PortalActor actor, IReadOnlyCollection<long> deliveryIds, CancellationToken ct = default)
    {
        actor.RequireSupport();
        var ids = deliveryIds.ToList();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var done = await db.Deliveries.AsNoTracking()
            .Where(d => ids.Contains(d.Id) && d.ResendRequestedAt == null)
            .GroupBy(d => d.Status)
            .Select(g => new { Status = g.Key, Count = g.Count() })
            .ToListAsync(ct);
        return new ResendProgress(
            ids.Count,
            done.Sum(s => s.Count),
            done.Where(s => s.Status == DeliveryStatus.Succeeded).Sum(s => s.Count),
            done.Where(s => s.Status == DeliveryStatus.Held).Sum(s => s.Count));
    }

    /// <summary>The current clock hour and the 23 before it, each a range of the CreatedAt index, all in one round trip:
    /// grouping the whole window by an hour computed from every row costs several times more in SQLite.</summary>
    private static async Task<IReadOnlyList<HourlyDeliveries>> HourlyAsync(PortalDbContext db, DateTime now, CancellationToken ct)
    {
        var end = new DateTime(now.Year, now.Month, now.Day, now.Hour, 0, 0, DateTimeKind.Utc).AddHours(1);
        var start = end - DashboardSummary.Window;
        var counts = await Enumerable.Range(0, 24)
            .Select(hour =>
            {
                var hourStart = start.AddHours(hour);
                var hourEnd = hourStart.AddHours(1);
                return db.Deliveries.AsNoTracking()
                    .Where(d => d.CreatedAt >= hourStart && d.CreatedAt < hourEnd)
                    .GroupBy(d => d.Status)
                    .Select(g => new { Hour = hour, Status = g.Key, Count = g.Count() });
            })
            .Aggregate((hours, next) => hours.Concat(next))
            .ToListAsync(ct);
        return [.. Enumerable.Range(0, 24).Select(hour =>
        {
            var inHour = counts.Where(c => c.Hour == hour).ToList();
            int Count(params DeliveryStatus[] statuses) => inHour.Where(c => statuses.Contains(c.Status)).Sum(c => c.Count);
            return new HourlyDeliveries(start.AddHours(hour), Count(DeliveryStatus.Succeeded), Count(DeliveryStatus.Failed), Count(DeliveryStatus.Held, DeliveryStatus.Pending));
        })];
    }

    /// <param name="failedInWindow">The webhooks with a Failed delivery attempted in the window.</param>
    private async Task<IReadOnlyList<FailingWebhook>> FailingWebhooksAsync(PortalDbContext db, PortalActor actor, List<int> failedInWindow, CancellationToken ct)
    {
        var sent = db.Attempts.Where(a => a.Outcome != AttemptOutcome.Held);
        var failing = await db.Webhooks.AsNoTracking()
            .Where(w =>
                failedInWindow.Contains(w.Id) ||
                sent.Where(a => a.WebhookId == w.Id).OrderByDescending(a => a.Id).Take(1).Any(a => a.Outcome == AttemptOutcome.Failed))
            .Select(w => new
            {
                w.Id,
                w.Name,
                w.CompanyId,
                CompanyName = w.Company!.Name,
                LastFailureId = db.Attempts.Where(a => a.WebhookId == w.Id && a.Outcome == AttemptOutcome.Failed).Max(a => (long?)a.Id),
                FailedDeliveries = db.Deliveries.Count(d => d.WebhookId == w.Id && d.Status == DeliveryStatus.Failed),
            })
            .ToListAsync(ct);

        // Read apart, by id: as a column of the query above, the latest failure becomes a ranking of every failed attempt.
        var lastFailureIds = failing.Select(f => f.LastFailureId).OfType<long>().ToList();
        var lastFailures = await db.Attempts.AsNoTracking()
            .Where(a => lastFailureIds.Contains(a.Id))
            .Select(a => new { a.Id, a.StartedAt, a.ResponseStatus, a.Messages })
            .ToDictionaryAsync(a => a.Id, ct);
        var healthById = await health.GetAsync(actor, failing.Select(f => f.Id), ct);
        return [.. failing
            .Select(f =>
            {
                var last = f.LastFailureId is { } id ? lastFailures[id] : null;
                return new FailingWebhook(
                    f.Id,
                    f.Name,
                    f.CompanyId,
                    f.CompanyName,
                    last is null ? "" : LastError(last.ResponseStatus, last.Messages),
                    last?.StartedAt,
                    healthById[f.Id].FailureStreak,
                    healthById[f.Id].FailingSince,
                    f.FailedDeliveries);
            })
            .OrderByDescending(f => f.FailureStreak)
            .ThenBy(f => f.CompanyName, StringComparer.Ordinal)
            .ThenBy(f => f.WebhookName, StringComparer.Ordinal)];
    }

    private static string LastError(int? status, string messages) =>
        status is { } code
            ? $"HTTP {code}"
            : messages.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "no response";
}
