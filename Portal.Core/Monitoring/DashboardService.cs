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
        var attempted = await deliveries
            .Where(d => (d.Status == DeliveryStatus.Succeeded || d.Status == DeliveryStatus.Failed) && d.Attempts.Any(a => a.StartedAt >= since))
            .GroupBy(d => d.Status)
            .Select(g => new { Status = g.Key, Count = g.Count() })
            .ToListAsync(ct);
        var held = await deliveries.CountAsync(d => d.Status == DeliveryStatus.Held, ct);
        var backlog = await db.QueueMessages.CountAsync(q => q.RemovedAt == null, ct);

        return new DashboardSummary(
            now,
            since,
            created,
            attempted.Where(a => a.Status == DeliveryStatus.Succeeded).Sum(a => a.Count),
            attempted.Where(a => a.Status == DeliveryStatus.Failed).Sum(a => a.Count),
            held,
            backlog,
            await HourlyAsync(db, now, ct),
            await FailingWebhooksAsync(db, actor, since, ct));
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

    /// <summary>The current clock hour and the 23 before it. The range spans 24 distinct hours of the day, so the hour alone
    /// names the bucket, and every provider can group by it.</summary>
    private static async Task<IReadOnlyList<HourlyDeliveries>> HourlyAsync(PortalDbContext db, DateTime now, CancellationToken ct)
    {
        var end = new DateTime(now.Year, now.Month, now.Day, now.Hour, 0, 0, DateTimeKind.Utc).AddHours(1);
        var start = end - DashboardSummary.Window;
        var counts = await db.Deliveries.AsNoTracking()
            .Where(d => d.CreatedAt >= start && d.CreatedAt < end)
            .GroupBy(d => new { d.CreatedAt.Hour, d.Status })
            .Select(g => new { g.Key.Hour, g.Key.Status, Count = g.Count() })
            .ToListAsync(ct);
        return [.. Enumerable.Range(0, 24).Select(i =>
        {
            var hourStart = start.AddHours(i);
            var inHour = counts.Where(c => c.Hour == hourStart.Hour).ToList();
            int Count(params DeliveryStatus[] statuses) => inHour.Where(c => statuses.Contains(c.Status)).Sum(c => c.Count);
            return new HourlyDeliveries(hourStart, Count(DeliveryStatus.Succeeded), Count(DeliveryStatus.Failed), Count(DeliveryStatus.Held, DeliveryStatus.Pending));
        })];
    }

    private async Task<IReadOnlyList<FailingWebhook>> FailingWebhooksAsync(PortalDbContext db, PortalActor actor, DateTime since, CancellationToken ct)
    {
        var sent = db.Attempts.Where(a => a.Outcome != AttemptOutcome.Held);
        var failing = await db.Webhooks.AsNoTracking()
            .Where(w =>
                sent.Where(a => a.WebhookId == w.Id).OrderByDescending(a => a.Id).Take(1).Any(a => a.Outcome == AttemptOutcome.Failed) ||
                db.Deliveries.Any(d => d.WebhookId == w.Id && d.Status == DeliveryStatus.Failed && d.Attempts.Any(a => a.StartedAt >= since)))
            .Select(w => new
            {
                w.Id,
                w.Name,
                w.CompanyId,
                CompanyName = w.Company!.Name,
                LastFailure = db.Attempts.Where(a => a.WebhookId == w.Id && a.Outcome == AttemptOutcome.Failed).OrderByDescending(a => a.Id)
                    .Select(a => new { a.StartedAt, a.ResponseStatus, a.Messages }).FirstOrDefault(),
                FailedDeliveries = db.Deliveries.Count(d => d.WebhookId == w.Id && d.Status == DeliveryStatus.Failed),
            })
            .ToListAsync(ct);
        var healthById = await health.GetAsync(actor, failing.Select(f => f.Id), ct);
        return [.. failing
            .Select(f => new FailingWebhook(
                f.Id,
                f.Name,
                f.CompanyId,
                f.CompanyName,
                f.LastFailure is { } last ? LastError(last.ResponseStatus, last.Messages) : "",
                f.LastFailure?.StartedAt,
                healthById[f.Id].FailureStreak,
                healthById[f.Id].FailingSince,
                f.FailedDeliveries))
            .OrderByDescending(f => f.FailureStreak)
            .ThenBy(f => f.CompanyName, StringComparer.Ordinal)
            .ThenBy(f => f.WebhookName, StringComparer.Ordinal)];
    }

    private static string LastError(int? status, string messages) =>
        status is { } code
            ? $"HTTP {code}"
            : messages.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "no response";
}
