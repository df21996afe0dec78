using System.Globalization;
using System.Text.Json;
using Jakamo.Portal.Core.Data;
using Jakamo.Portal.Core.Deliveries.Sending;
using Jakamo.Portal.Core.Firewall;
using Jakamo.Portal.Core.Security;
using Jakamo.Portal.Core.Webhooks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Jakamo.Portal.Core.Deliveries;

/// <summary>Sends deliveries and records their attempts. Every entry point is idempotent: it works only on rows it
/// could claim, so a job that runs twice, or two nodes, never send one delivery at the same time.</summary>
public sealed partial class DeliveryEngine(
    IDbContextFactory<PortalDbContext> dbFactory,
    IWebhookSender sender,
    IOpenedHosts openedHosts,
    ISecretProtector secrets,
    IDeliveryJobs jobs,
    IAttemptListener listener,
    TimeProvider time,
    IOptions<DeliveryOptions> options,
    ILogger<DeliveryEngine> logger)
{
    private static readonly JsonSerializerOptions HeaderJson = new(JsonSerializerDefaults.Web);

    private DeliveryOptions Options => options.Value;

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    /// <summary>Sends the first attempts due for one webhook, up to the batch size. Returns how many were sent or held.</summary>
    public async Task<int> DeliverFirstAttemptsAsync(int webhookId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = Now;
        var claimed = await ClaimAsync(db, db.Deliveries.Where(d =>
            d.WebhookId == webhookId && d.Status == DeliveryStatus.Pending && d.AttemptCount == 0 && d.NextAttemptAt <= now), Options.BatchSize, ct);
        if (claimed.Count == 0)
        {
            return 0;
        }

        var webhook = await db.Webhooks.FirstAsync(w => w.Id == webhookId, ct);
        await ProcessAsync(db, webhook, claimed, AttemptTrigger.First, null, ct);
        if (claimed.Count == Options.BatchSize)
        {
            jobs.EnqueueFirstAttempts(new DeliveryJobInfo(webhook.Id, webhook.Name, claimed[0].EventType, Count: Options.BatchSize));
        }

        return claimed.Count;
    }

    /// <summary>Runs one due automatic retry.</summary>
    public async Task<bool> RetryAsync(long deliveryId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = Now;
        var claimed = await ClaimAsync(db, db.Deliveries.Where(d =>
            d.Id == deliveryId && d.Status == DeliveryStatus.Pending && d.AttemptCount > 0 && d.NextAttemptAt <= now), 1, ct);
        if (claimed.Count == 0)
        {
            return false;
        }

        var webhook = await db.Webhooks.FirstAsync(w => w.Id == claimed[0].WebhookId, ct);
        await ProcessAsync(db, webhook, claimed, AttemptTrigger.AutomaticRetry, null, ct);
        return true;
    }

    /// <summary>Runs one requested manual resend.</summary>
    public async Task<bool> ResendAsync(long deliveryId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var claimed = await ClaimAsync(db, db.Deliveries.Where(d => d.Id == deliveryId && d.ResendRequestedAt != null), 1, ct);
        if (claimed.Count == 0)
        {
            return false;
        }

        var delivery = claimed[0];
        var requestedBy = delivery.ResendRequestedBy;
        delivery.ResendRequestedBy = null;
        delivery.ResendRequestedAt = null;
        var webhook = await db.Webhooks.FirstAsync(w => w.Id == delivery.WebhookId, ct);
        await ProcessAsync(db, webhook, claimed, AttemptTrigger.Manual, requestedBy, ct);
        return true;
    }

    /// <summary>Finds work the job system may have lost and puts it back; releases deliveries whose host was opened;
    /// makes queue removals that a stopped process left undone.</summary>
    public async Task<RecoveryResult> RecoverAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = Now;
        var released = await ReleaseHeldAsync(db, now, ct);

        var free = db.Deliveries.Where(d => d.LeaseUntil == null || d.LeaseUntil < now);
        var firstAttempts = await free
            .Where(d => d.Status == DeliveryStatus.Pending && d.AttemptCount == 0 && d.NextAttemptAt <= now)
            .GroupBy(d => new { d.WebhookId, d.Webhook!.Name })
            .Select(g => new { g.Key.WebhookId, g.Key.Name, Count = g.Count(), EventType = g.Min(d => d.EventType) })
            .ToListAsync(ct);
        foreach (var batch in firstAttempts)
        {
            jobs.EnqueueFirstAttempts(new DeliveryJobInfo(batch.WebhookId, batch.Name, batch.EventType!, Count: batch.Count));
        }

        var retries = await free
            .Where(d => d.Status == DeliveryStatus.Pending && d.AttemptCount > 0 && d.NextAttemptAt <= now && d.ResendRequestedAt == null)
            .Select(d => new { d.Id, d.WebhookId, d.Webhook!.Name, d.EventType, d.EventId, d.AutomaticRetries })
            .ToListAsync(ct);
        foreach (var retry in retries)
        {
            jobs.ScheduleRetry(
                new DeliveryJobInfo(retry.WebhookId, retry.Name, retry.EventType, retry.Id, EventRef(retry.EventId), RetryNumber: retry.AutomaticRetries, RetryTotal: Options.EffectiveRetrySchedule.Count),
                now);
        }

        var resends = await free.Where(d => d.ResendRequestedAt != null)
            .Select(d => new { d.Id, d.WebhookId, d.Webhook!.Name, d.EventType, d.EventId, d.ResendRequestedBy })
            .ToListAsync(ct);
        foreach (var resend in resends)
        {
            jobs.EnqueueResend(new DeliveryJobInfo(resend.WebhookId, resend.Name, resend.EventType, resend.Id, EventRef(resend.EventId), RequestedBy: resend.ResendRequestedBy));
        }

        var queueItemsRemoved = await RemoveOverdueQueueItemsAsync(db, ct);
        return new RecoveryResult(firstAttempts.Sum(b => b.Count), retries.Count, resends.Count, released, queueItemsRemoved);
    }

    internal static string EventRef(long eventId) => eventId.ToString(CultureInfo.InvariantCulture);

    private async Task<int> ReleaseHeldAsync(PortalDbContext db, DateTime now, CancellationToken ct)
    {
        var held = await db.Deliveries.Where(d => d.Status == DeliveryStatus.Held)
            .Select(d => new { d.WebhookId, d.Webhook!.PayloadUrl }).Distinct().ToListAsync(ct);
        var released = 0;
        foreach (var webhookId in held.Where(h => openedHosts.IsOpened(HostOf(h.PayloadUrl))).Select(h => h.WebhookId).Distinct())
        {
            released += await db.Deliveries.Where(d => d.WebhookId == webhookId && d.Status == DeliveryStatus.Held)
                .ExecuteUpdateAsync(s => s.SetProperty(d => d.Status, DeliveryStatus.Pending).SetProperty(d => d.NextAttemptAt, now), ct);
        }

        if (released > 0)
        {
            LogReleased(released);
        }

        return released;
    }

    private async Task<List<Delivery>> ClaimAsync(PortalDbContext db, IQueryable<Delivery> candidates, int take, CancellationToken ct)
    {
        var now = Now;
        var owner = Guid.NewGuid().ToString("n");
        var until = now + Options.LeaseDuration;
        // One statement, and its outer WHERE repeats every condition of the pick. Under PostgreSQL's READ COMMITTED two
        // nodes can pick the same ids; the second one's UPDATE then waits for the first, re-reads the row and re-checks
        // that WHERE, so it skips a row the first one leased, or already sent and released. Only rows won get this owner.
        var free = candidates.Where(d => d.LeaseUntil == null || d.LeaseUntil < now);
        var ids = free.OrderBy(d => d.Id).Select(d => d.Id).Take(take);
        var count = await free.Where(d => ids.Contains(d.Id))
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.LeaseUntil, until).SetProperty(d => d.LeaseOwner, owner), ct);
        return count == 0 ? [] : await db.Deliveries.Include(d => d.Event).Where(d => d.LeaseOwner == owner).OrderBy(d => d.Id).ToListAsync(ct);
    }

    private async Task ProcessAsync(PortalDbContext db, Webhook webhook, List<Delivery> deliveries, AttemptTrigger trigger, string? triggeredBy, CancellationToken ct)
    {
        var host = HostOf(webhook.PayloadUrl);
        var attempts = openedHosts.IsOpened(host)
            ? await SendAllAsync(db, webhook, deliveries, trigger, triggeredBy, ct)
            : Hold(webhook, deliveries, trigger, triggeredBy, host);
        foreach (var delivery in deliveries)
        {
            delivery.LeaseUntil = null;
            delivery.LeaseOwner = null;
        }

        db.Attempts.AddRange(attempts);
        await db.SaveChangesAsync(ct);

        await RemoveEarnedQueueItemsAsync(db, deliveries, attempts, ct);
        ScheduleRetries(webhook, deliveries, trigger);
        var byId = deliveries.ToDictionary(d => d.Id);
        listener.Committed([.. attempts.Select(a => LiveAttempt.From(a, webhook.Name, byId[a.DeliveryId].Event?.Reference, byId[a.DeliveryId].Status))]);
    }

    private List<Attempt> Hold(Webhook webhook, List<Delivery> deliveries, AttemptTrigger trigger, string? triggeredBy, string host)
    {
        var attempts = new List<Attempt>();
        foreach (var delivery in deliveries)
        {
            delivery.Status = DeliveryStatus.Held;
            delivery.NextAttemptAt = null;
            delivery.LastMessage = $"host {host} not opened in firewall; held until Jakamo support opens it";
            attempts.Add(new Attempt
            {
                DeliveryId = delivery.Id,
                CompanyId = delivery.CompanyId,
                WebhookId = webhook.Id,
                EventId = delivery.EventId,
                EventType = delivery.EventType,
                Number = delivery.AttemptCount + 1,
                Trigger = trigger,
                TriggeredBy = triggeredBy,
                StartedAt = Now,
                Outcome = AttemptOutcome.Held,
                RequestMethod = "POST",
                RequestUrl = webhook.PayloadUrl,
                Messages = delivery.LastMessage,
            });
        }

        return attempts;
    }

    private async Task<List<Attempt>> SendAllAsync(
        PortalDbContext db, Webhook webhook, List<Delivery> deliveries, AttemptTrigger trigger, string? triggeredBy, CancellationToken ct)
    {
        var credentials = Credentials(webhook);
        var signingSecret = webhook.SigningSecretProtected is { } protectedSecret ? secrets.Unprotect(protectedSecret) : null;
        var eventIds = deliveries.Select(d => d.EventId).Distinct().ToList();
        var queueItems = await db.QueueMessages.AsNoTracking().Where(q => eventIds.Contains(q.EventId))
            .Select(q => new { q.EventId, q.Id, q.RemovedAt }).ToDictionaryAsync(q => q.EventId, ct);

        using var gate = new SemaphoreSlim(Math.Max(1, Options.Concurrency));
        var results = await Task.WhenAll(deliveries.Select(async delivery =>
        {
            queueItems.TryGetValue(delivery.EventId, out var queueItem);
            var message = new OutboundMessage(
                delivery.Id,
                delivery.EventId,
                delivery.EventType,
                webhook.PayloadUrl,
                delivery.Event!.ContentType,
                delivery.Event.Payload,
                queueItem is null ? null : new Uri(Options.PublicBaseUrl, $"api/queue/{queueItem.Id}/ack").ToString(),
                credentials,
                signingSecret);
            await gate.WaitAsync(ct);
            try
            {
                return await sender.SendAsync(message, ct);
            }
            finally
            {
                gate.Release();
            }
        }));

        webhook.FirstMessageSentAt ??= Now;
        var attempts = new List<Attempt>(deliveries.Count);
        for (var i = 0; i < deliveries.Count; i++)
        {
            queueItems.TryGetValue(deliveries[i].EventId, out var queueItem);
            attempts.Add(Apply(webhook, deliveries[i], results[i], trigger, triggeredBy, hasQueueItem: queueItem is { RemovedAt: null }));
        }

        return attempts;
    }

    private Attempt Apply(Webhook webhook, Delivery delivery, SendResult result, AttemptTrigger trigger, string? triggeredBy, bool hasQueueItem)
    {
        var messages = new List<string>(result.Messages);
        delivery.AttemptCount++;
        delivery.FirstAttemptAt ??= result.StartedAt;
        delivery.LastAttemptAt = result.StartedAt;
        delivery.LastStatusCode = result.StatusCode;

        if (result.Success)
        {
            delivery.Status = DeliveryStatus.Succeeded;
            delivery.NextAttemptAt = null;
            if (webhook.RemoveFromQueueOnSuccess && result.StatusCode is 200 or 201 or 204)
            {
                delivery.QueueRemovalEarned = true;
            }
        }
        else
        {
            messages.Add(OnFailure(webhook, delivery, result, trigger));
        }

        if (hasQueueItem)
        {
            messages.Add(QueueNote(webhook, result));
        }

        delivery.LastMessage = Truncate(string.Join("; ", messages), 1000);
        return new Attempt
        {
            DeliveryId = delivery.Id,
            CompanyId = delivery.CompanyId,
            WebhookId = webhook.Id,
            EventId = delivery.EventId,
            EventType = delivery.EventType,
            Number = delivery.AttemptCount,
            Trigger = trigger,
            TriggeredBy = triggeredBy,
            StartedAt = result.StartedAt,
            DurationMs = (int)Math.Min(int.MaxValue, result.Duration.TotalMilliseconds),
            Outcome = result.Success ? AttemptOutcome.Succeeded : AttemptOutcome.Failed,
            RequestMethod = result.Method,
            RequestUrl = result.Url,
            RequestHeaders = JsonSerializer.Serialize(result.RequestHeaders, HeaderJson),
            RequestBody = result.RequestBody,
            ResponseStatus = result.StatusCode,
            ResponseHeaders = JsonSerializer.Serialize(result.ResponseHeaders, HeaderJson),
            ResponseBody = result.ResponseBody,
            ResponseBodySize = result.ResponseBodySize,
            ResponseBodyTruncated = result.ResponseBodyTruncated,
            Messages = string.Join('\n', messages),
        };
    }

    /// <summary>Decides what follows a failed attempt and says so for the transport log.</summary>
    private string OnFailure(Webhook webhook, Delivery delivery, SendResult result, AttemptTrigger trigger)
    {
        var schedule = Options.EffectiveRetrySchedule;
        if (trigger == AttemptTrigger.Manual && delivery.Status == DeliveryStatus.Pending && delivery.AttemptCount > 1 && delivery.NextAttemptAt is { } pending)
        {
            return $"manual resend failed; automatic retry {delivery.AutomaticRetries} of {schedule.Count} stays scheduled at {Format(pending)}";
        }

        if (trigger != AttemptTrigger.Manual && RetryPolicy.Applies(delivery.EventType, webhook.DisableAutomaticRetry) && delivery.AutomaticRetries < schedule.Count)
        {
            var delay = RetryPolicy.Delay(schedule, delivery.AutomaticRetries, Options.RetryJitter, Random.Shared.NextDouble(), result.RetryAfter);
            delivery.AutomaticRetries++;
            delivery.Status = DeliveryStatus.Pending;
            delivery.NextAttemptAt = Now + delay;
            return $"retry {delivery.AutomaticRetries} of {schedule.Count} scheduled at {Format(delivery.NextAttemptAt.Value)}";
        }

        delivery.Status = DeliveryStatus.Failed;
        delivery.NextAttemptAt = null;
        return trigger switch
        {
            AttemptTrigger.Manual => "manual resend failed; manual resend required",
            _ when !RetryPolicy.Applies(delivery.EventType, webhook.DisableAutomaticRetry) && webhook.DisableAutomaticRetry =>
                "automatic retry is disabled for this webhook; manual resend required",
            _ when !RetryPolicy.Applies(delivery.EventType, webhook.DisableAutomaticRetry) =>
                $"automatic retry exists only for so.created events; manual resend required",
            _ => $"all {schedule.Count} automatic retries used; manual resend required",
        };
    }

    private static string QueueNote(Webhook webhook, SendResult result) =>
        !webhook.RemoveFromQueueOnSuccess
            ? "queue entry kept: remove entry from queue on success is off"
            : result.StatusCode is 200 or 201 or 204
                ? "queue entry removal earned"
                : $"queue entry kept ({(result.StatusCode?.ToString(CultureInfo.InvariantCulture) ?? "no response")})";

    /// <summary>Removes a queue item once every matching webhook has made its first attempt and one that asks for
    /// removal got 200, 201 or 204. Runs after the commit, so of two jobs finishing together the later one sees both.
    /// The removals are one statement, and the notes one save: a process that dies between the attempts' commit and
    /// the removal leaves it to the recovery pass.</summary>
    private async Task RemoveEarnedQueueItemsAsync(PortalDbContext db, List<Delivery> deliveries, List<Attempt> attempts, CancellationToken ct)
    {
        var eventIds = deliveries.Select(d => d.EventId).Distinct().ToList();
        var open = await db.QueueMessages.Where(q => eventIds.Contains(q.EventId) && q.RemovedAt == null).Select(q => q.EventId).ToListAsync(ct);
        if (open.Count == 0)
        {
            return;
        }

        var states = await db.Deliveries.AsNoTracking().Where(d => open.Contains(d.EventId))
            .GroupBy(d => d.EventId)
            .Select(g => new { EventId = g.Key, Waiting = g.Count(d => d.FirstAttemptAt == null), Earned = g.Any(d => d.QueueRemovalEarned) })
            .ToListAsync(ct);
        var due = states.Where(s => s is { Earned: true, Waiting: 0 }).Select(s => s.EventId).ToList();
        if (due.Count > 0)
        {
            await RemoveAsync(db.QueueMessages.Where(q => due.Contains(q.EventId) && q.RemovedAt == null), ct);
        }

        var notes = states.Where(s => s.Earned).ToDictionary(
            s => s.EventId,
            s => s.Waiting == 0 ? "queue entry removed" : $"queue entry removal waits for the first attempt of {s.Waiting} more webhook(s)");
        foreach (var attempt in attempts.Where(a => a.Outcome != AttemptOutcome.Held && notes.ContainsKey(a.EventId)))
        {
            var note = notes[attempt.EventId];
            attempt.Messages = attempt.Messages.Length == 0 ? note : $"{attempt.Messages}\n{note}";
        }

        if (notes.Count > 0)
        {
            await db.SaveChangesAsync(ct);
        }
    }

    /// <summary>Removes the queue items whose removal is due but was never made, because the process that committed
    /// the last first attempt stopped before removing them (a crash, or a shutdown cancelling the job).</summary>
    private async Task<int> RemoveOverdueQueueItemsAsync(PortalDbContext db, CancellationToken ct)
    {
        // Open items are found per integration, through the (IntegrationId, RemovedAt, Id) index, not by a table scan.
        var integrationIds = await db.Integrations.Select(i => i.Id).ToListAsync(ct);
        var removed = await RemoveAsync(db.QueueMessages.Where(q => integrationIds.Contains(q.IntegrationId) && q.RemovedAt == null
            && db.Deliveries.Any(d => d.EventId == q.EventId && d.QueueRemovalEarned)
            && !db.Deliveries.Any(d => d.EventId == q.EventId && d.FirstAttemptAt == null)), ct);
        if (removed > 0)
        {
            LogOverdueQueueItemsRemoved(removed);
        }

        return removed;
    }

    private Task<int> RemoveAsync(IQueryable<Queue.QueueMessage> items, CancellationToken ct)
    {
        var now = Now;
        return items.ExecuteUpdateAsync(s => s.SetProperty(q => q.RemovedAt, now).SetProperty(q => q.RemovedBy, "webhook"), ct);
    }

    private void ScheduleRetries(Webhook webhook, List<Delivery> deliveries, AttemptTrigger trigger)
    {
        if (trigger == AttemptTrigger.Manual)
        {
            return;
        }

        foreach (var delivery in deliveries.Where(d => d is { Status: DeliveryStatus.Pending, AttemptCount: > 0, NextAttemptAt: not null }))
        {
            jobs.ScheduleRetry(
                new DeliveryJobInfo(webhook.Id, webhook.Name, delivery.EventType, delivery.Id, EventRef(delivery.EventId),
                    RetryNumber: delivery.AutomaticRetries, RetryTotal: Options.EffectiveRetrySchedule.Count),
                delivery.NextAttemptAt!.Value);
        }
    }

    private WebhookCredentials Credentials(Webhook w) => new(
        w.Id,
        w.AuthMethod,
        w.OAuthTokenUrl,
        w.OAuthClientId,
        Decrypt(w.OAuthClientSecretProtected),
        w.OAuthScope,
        w.BasicUserName,
        Decrypt(w.BasicPasswordProtected),
        w.ApiKeyHeaderName,
        Decrypt(w.ApiKeyValueProtected));

    private string? Decrypt(string? value) => value is null ? null : secrets.Unprotect(value);

    internal static string HostOf(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) ? FirewallHosts.NormalizeHost(uri.Host) : "";

    private static string Format(DateTime at) => at.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    private static string Truncate(string value, int max) => value.Length <= max ? value : value[..max];

    [LoggerMessage(Level = LogLevel.Information, Message = "Released {Count} held deliveries whose host is now opened.")]
    private partial void LogReleased(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Removed {Count} queue items whose removal was due but not made, as a stopped process left them.")]
    private partial void LogOverdueQueueItemsRemoved(int count);
}

public sealed record RecoveryResult(int FirstAttempts, int Retries, int Resends, int Released, int QueueItemsRemoved);

/// <summary>Told about attempts after they are committed, to publish them live.</summary>
public interface IAttemptListener
{
    void Committed(IReadOnlyList<LiveAttempt> attempts);
}

/// <summary>A committed attempt as published live: the same masked data the API returns, without payloads.</summary>
public sealed record LiveAttempt(
    long AttemptId,
    long DeliveryId,
    int CompanyId,
    int WebhookId,
    string WebhookName,
    long EventId,
    string EventType,
    string? Reference,
    int Number,
    AttemptTrigger Trigger,
    string? TriggeredBy,
    DateTime StartedAt,
    int DurationMs,
    AttemptOutcome Outcome,
    int? ResponseStatus,
    DeliveryStatus DeliveryStatus,
    string Summary)
{
    public static LiveAttempt From(Attempt a, string webhookName, string? reference, DeliveryStatus status) => new(
        a.Id, a.DeliveryId, a.CompanyId, a.WebhookId, webhookName, a.EventId, a.EventType, reference, a.Number, a.Trigger, a.TriggeredBy,
        a.StartedAt, a.DurationMs, a.Outcome, a.ResponseStatus, status, a.Messages.Split('\n')[0]);
}
