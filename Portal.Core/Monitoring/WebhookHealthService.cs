using Jakamo.Portal.Core.Data;
using Jakamo.Portal.Core.Deliveries;
using Jakamo.Portal.Core.Security;
using Microsoft.EntityFrameworkCore;

namespace Jakamo.Portal.Core.Monitoring;

/// <summary>Computes each webhook's health from its attempts, in the database. A company admin gets only their company's
/// webhooks: ids of other companies are left out of the answer, as if they did not exist.</summary>
public sealed class WebhookHealthService(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider time)
{
    public async Task<IReadOnlyDictionary<int, WebhookHealth>> GetAsync(PortalActor actor, IEnumerable<int> webhookIds, CancellationToken ct = default)
    {
        var ids = webhookIds.Distinct().ToList();
        if (ids.Count == 0)
        {
            return new Dictionary<int, WebhookHealth>();
        }

        var since = time.GetUtcNow().UtcDateTime - DashboardSummary.Window;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var webhooks = db.Webhooks.AsNoTracking().Where(w => ids.Contains(w.Id));
        if (!actor.IsSupport)
        {
            webhooks = webhooks.Where(w => w.CompanyId == actor.CompanyId);
        }

        var sent = db.Attempts.Where(a => a.Outcome != AttemptOutcome.Held);
        var rows = await webhooks.Select(w => new
        {
            w.Id,
            LastAttemptAt = sent.Where(a => a.WebhookId == w.Id).OrderByDescending(a => a.Id).Select(a => (DateTime?)a.StartedAt).FirstOrDefault(),
            Succeeded = sent.Count(a => a.WebhookId == w.Id && a.StartedAt >= since && a.Outcome == AttemptOutcome.Succeeded),
            Failed = sent.Count(a => a.WebhookId == w.Id && a.StartedAt >= since && a.Outcome == AttemptOutcome.Failed),
            Responses = sent.Count(a => a.WebhookId == w.Id && a.StartedAt >= since && a.ResponseStatus != null),
            LastSuccessId = sent.Where(a => a.WebhookId == w.Id && a.Outcome == AttemptOutcome.Succeeded).Max(a => (long?)a.Id) ?? 0,
        }).ToListAsync(ct);

        var health = new Dictionary<int, WebhookHealth>(rows.Count);
        foreach (var row in rows)
        {
            var streak = await db.Attempts
                .Where(a => a.WebhookId == row.Id && a.Outcome == AttemptOutcome.Failed && a.Id > row.LastSuccessId)
                .GroupBy(a => a.WebhookId)
                .Select(g => new { Count = g.Count(), Since = g.Min(a => a.StartedAt) })
                .FirstOrDefaultAsync(ct);
            health[row.Id] = new WebhookHealth(
                row.Id,
                row.LastAttemptAt,
                row.Succeeded,
                row.Failed,
                row.Responses == 0 ? null : await P95Async(db, row.Id, since, row.Responses, ct),
                streak?.Count ?? 0,
                streak?.Since);
        }

        return health;
    }

    /// <summary>The nearest-rank 95th percentile: the smallest duration that at least 95 % of the responses took no longer than.
    /// Only that one row is read, ordered in the database, and counted from the slow end, so the sort keeps the slowest 5 %
    /// of the rows instead of the fastest 95 %.</summary>
    private static Task<int> P95Async(PortalDbContext db, int webhookId, DateTime since, int responses, CancellationToken ct)
    {
        var rank = (int)Math.Ceiling(0.95 * responses);
        return db.Attempts
            .Where(a => a.WebhookId == webhookId && a.StartedAt >= since && a.ResponseStatus != null && a.Outcome != AttemptOutcome.Held)
            .OrderByDescending(a => a.DurationMs)
            .Select(a => a.DurationMs)
            .Skip(responses - rank)
            .FirstAsync(ct);
    }
}
