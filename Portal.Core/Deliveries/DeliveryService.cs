using System.Globalization;
using System.Text.Json;
using Jakamo.Portal.Core.Common;
using Jakamo.Portal.Core.Data;
using Jakamo.Portal.Core.Deliveries.Sending;
using Jakamo.Portal.Core.Security;
using Microsoft.EntityFrameworkCore;

namespace Jakamo.Portal.Core.Deliveries;

/// <summary>Reads deliveries and their transport log, and takes manual resend requests.</summary>
public sealed class DeliveryService(IDbContextFactory<PortalDbContext> dbFactory, IDeliveryJobs jobs, TimeProvider time)
{
    private static readonly JsonSerializerOptions HeaderJson = new(JsonSerializerDefaults.Web);

    public async Task<PagedResult<DeliveryRow>> ListAsync(PortalActor actor, DeliveryFilter filter, int page = 1, int pageSize = 50, CancellationToken ct = default)
    {
        Paging.Validate(page, pageSize);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = Filtered(db, actor, filter);
        var total = await query.CountAsync(ct);
        var items = await Project(query.OrderByDescending(d => d.Id).Skip((page - 1) * pageSize).Take(pageSize)).ToListAsync(ct);
        return new PagedResult<DeliveryRow>(items, total, page, pageSize);
    }

    public async Task<DeliveryDetail> GetAsync(PortalActor actor, long id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await Project(Visible(db, actor).Where(d => d.Id == id)).FirstOrDefaultAsync(ct)
            ?? throw new PortalNotFoundException($"Delivery {id}");
        var contentType = await db.Deliveries.Where(d => d.Id == id).Select(d => d.Event!.ContentType).FirstAsync(ct);
        var attempts = await db.Attempts.AsNoTracking().Where(a => a.DeliveryId == id).OrderBy(a => a.Id).ToListAsync(ct);
        return new DeliveryDetail(row, contentType, [.. attempts.Select(ToView)]);
    }

    /// <summary>Asks for a manual resend; the job records who asked. Answers not-found for another company's delivery.</summary>
    public async Task<DeliveryRow> RequestResendAsync(PortalActor actor, long id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var delivery = await Visible(db, actor).Include(d => d.Webhook).FirstOrDefaultAsync(d => d.Id == id, ct)
            ?? throw new PortalNotFoundException($"Delivery {id}");
        delivery.ResendRequestedBy = actor.UserName;
        delivery.ResendRequestedAt = time.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        jobs.EnqueueResend(new DeliveryJobInfo(delivery.WebhookId, delivery.Webhook!.Name, delivery.EventType, delivery.Id,
            DeliveryEngine.EventRef(delivery.EventId), RequestedBy: actor.UserName));
        return await Project(db.Deliveries.Where(d => d.Id == id)).FirstAsync(ct);
    }

    /// <summary>How many deliveries <see cref="BulkResendAsync"/> would queue for this filter now, so support can confirm first.</summary>
    public async Task<int> CountForResendAsync(PortalActor actor, DeliveryFilter filter, CancellationToken ct = default)
    {
        actor.RequireSupport();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await ResendTargets(db, actor, filter).CountAsync(ct);
    }

    /// <summary>Support resends every delivery matching the filter (failed ones unless another status is given).</summary>
    public async Task<BulkResendResult> BulkResendAsync(PortalActor actor, DeliveryFilter filter, CancellationToken ct = default)
    {
        actor.RequireSupport();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var targets = await ResendTargets(db, actor, filter)
            .Select(d => new { d.Id, d.WebhookId, WebhookName = d.Webhook!.Name, d.EventType, d.EventId }).ToListAsync(ct);
        var now = time.GetUtcNow().UtcDateTime;
        foreach (var chunk in targets.Chunk(500))
        {
            var ids = chunk.Select(t => t.Id).ToList();
            await db.Deliveries.Where(d => ids.Contains(d.Id))
                .ExecuteUpdateAsync(s => s.SetProperty(d => d.ResendRequestedBy, actor.UserName).SetProperty(d => d.ResendRequestedAt, now), ct);
        }

        foreach (var t in targets)
        {
            jobs.EnqueueResend(new DeliveryJobInfo(t.WebhookId, t.WebhookName, t.EventType, t.Id, DeliveryEngine.EventRef(t.EventId), RequestedBy: actor.UserName));
        }

        return new BulkResendResult(targets.Count, [.. targets.Select(t => t.Id)]);
    }

    internal static AttemptView ToView(Attempt a) => new(
        a.Id,
        a.DeliveryId,
        a.Number,
        a.Trigger,
        a.TriggeredBy,
        a.StartedAt,
        a.DurationMs,
        a.Outcome,
        a.RequestMethod,
        a.RequestUrl,
        Headers(a.RequestHeaders),
        a.RequestBody,
        a.ResponseStatus,
        Headers(a.ResponseHeaders),
        a.ResponseBody,
        a.ResponseBodySize,
        a.ResponseBodyTruncated,
        a.Messages.Split('\n', StringSplitOptions.RemoveEmptyEntries),
        a.PayloadsPurgedAt is not null);

    private static IReadOnlyList<LoggedHeader> Headers(string? json) =>
        string.IsNullOrEmpty(json) ? [] : JsonSerializer.Deserialize<List<LoggedHeader>>(json, HeaderJson) ?? [];

    private static IQueryable<Delivery> Visible(PortalDbContext db, PortalActor actor) =>
        actor.IsSupport ? db.Deliveries : db.Deliveries.Where(d => d.CompanyId == actor.CompanyId);

    private static IQueryable<Delivery> ResendTargets(PortalDbContext db, PortalActor actor, DeliveryFilter filter)
    {
        filter.Status ??= DeliveryStatus.Failed;
        return Filtered(db, actor, filter).Where(d => d.ResendRequestedAt == null);
    }

    private static IQueryable<Delivery> Filtered(PortalDbContext db, PortalActor actor, DeliveryFilter filter)
    {
        var query = db.Deliveries.AsNoTracking().Matching(db, actor, filter.CompanyId, filter.WebhookId, filter.EventType, filter.Search);
        if (filter.Status is { } status)
        {
            query = query.Where(d => d.Status == status);
        }

        if (filter.From is { } from)
        {
            query = query.Where(d => d.CreatedAt >= from);
        }

        if (filter.To is { } to)
        {
            query = query.Where(d => d.CreatedAt < to);
        }

        return query;
    }

    private static IQueryable<DeliveryRow> Project(IQueryable<Delivery> query) => query.Select(d => new DeliveryRow(
        d.Id,
        d.EventId,
        d.EventType,
        d.Event!.ExternalId,
        d.Event.Reference,
        d.WebhookId,
        d.Webhook!.Name,
        d.CompanyId,
        d.Status,
        d.AttemptCount,
        d.CreatedAt,
        d.LastAttemptAt,
        d.LastStatusCode,
        d.NextAttemptAt,
        d.LastMessage,
        d.ResendRequestedAt != null));
}
