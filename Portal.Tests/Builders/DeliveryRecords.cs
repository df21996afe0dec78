using Jakamo.Portal.Core.Data;
using Jakamo.Portal.Core.Deliveries;
using Jakamo.Portal.Core.Events;
using Jakamo.Portal.Core.Integrations;
using Jakamo.Portal.Core.Queue;
using Jakamo.Portal.Core.Webhooks;
using Microsoft.EntityFrameworkCore;

namespace Jakamo.Portal.Tests.Builders;

/// <summary>One attempt to record: when it started, how it ended, and the response it got (none for a transport failure).</summary>
public sealed record Sent(DateTime At, AttemptOutcome Outcome, int? Status = null, int DurationMs = 100, string Messages = "")
{
    public static Sent Ok(DateTime at, int durationMs = 100) => new(at, AttemptOutcome.Succeeded, 200, durationMs);

    public static Sent Error(DateTime at, int status = 500, int durationMs = 100) => new(at, AttemptOutcome.Failed, status, durationMs);

    public static Sent Refused(DateTime at) => new(at, AttemptOutcome.Failed, null, 5, "connection refused\nmanual resend required");

    public static Sent Held(DateTime at) => new(at, AttemptOutcome.Held, null, 0, "host not opened in firewall");
}

/// <summary>Writes webhooks, events, deliveries, attempts and queue messages straight to the database, with the times and
/// outcomes a test chooses, so figures computed from them can be asserted exactly.</summary>
public sealed class DeliveryRecords(IDbContextFactory<PortalDbContext> dbFactory)
{
    public async Task<Webhook> WebhookAsync(int companyId, string name)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        var now = new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc);
        var webhook = new Webhook { CompanyId = companyId, Name = name, PayloadUrl = $"https://{name.ToLowerInvariant().Replace(' ', '-')}.example.com/hook", Enabled = true, CreatedAt = now, UpdatedAt = now };
        db.Webhooks.Add(webhook);
        await db.SaveChangesAsync();
        return webhook;
    }

    /// <summary>A delivery of a new event to <paramref name="webhook"/>, with its attempts in the order given.</summary>
    public async Task<Delivery> DeliveryAsync(Webhook webhook, DateTime createdAt, DeliveryStatus status, params Sent[] attempts)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        var businessEvent = await EventAsync(db, webhook.CompanyId, EventTypeCatalog.SoChanged, createdAt);
        var sent = attempts.Where(a => a.Outcome != AttemptOutcome.Held).ToList();
        var delivery = new Delivery
        {
            EventId = businessEvent.Id,
            WebhookId = webhook.Id,
            CompanyId = webhook.CompanyId,
            EventType = businessEvent.Type,
            Status = status,
            CreatedAt = createdAt,
            AttemptCount = sent.Count,
            FirstAttemptAt = sent.FirstOrDefault()?.At,
            LastAttemptAt = sent.LastOrDefault()?.At,
            LastStatusCode = sent.LastOrDefault()?.Status,
        };
        db.Deliveries.Add(delivery);
        await db.SaveChangesAsync();

        // One save per attempt, so ids follow the order given, as they do when the engine records them.
        var number = 0;
        foreach (var attempt in attempts)
        {
            db.Attempts.Add(new Attempt
            {
                DeliveryId = delivery.Id,
                CompanyId = delivery.CompanyId,
                WebhookId = webhook.Id,
                EventId = delivery.EventId,
                EventType = delivery.EventType,
                Number = ++number,
                StartedAt = attempt.At,
                DurationMs = attempt.DurationMs,
                Outcome = attempt.Outcome,
                RequestMethod = "POST",
                RequestUrl = webhook.PayloadUrl,
                ResponseStatus = attempt.Status,
                Messages = attempt.Messages,
            });
            await db.SaveChangesAsync();
        }

        return delivery;
    }

    /// <summary>Gives the event of <paramref name="delivery"/> the reference (order number) and external id the platform would send.</summary>
    public async Task NameEventAsync(Delivery delivery, string? reference, string? externalId = null)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        await db.Events.Where(e => e.Id == delivery.EventId)
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.Reference, reference).SetProperty(e => e.ExternalId, externalId));
    }

    /// <summary>An API queue message of a new event of <paramref name="companyId"/>; removed when <paramref name="removedAt"/> is set.</summary>
    public async Task QueueMessageAsync(int companyId, DateTime createdAt, DateTime? removedAt = null)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        var businessEvent = await EventAsync(db, companyId, EventTypeCatalog.SoCreated, createdAt);
        db.QueueMessages.Add(new QueueMessage
        {
            IntegrationId = businessEvent.IntegrationId,
            EventId = businessEvent.Id,
            CreatedAt = createdAt,
            RemovedAt = removedAt,
            RemovedBy = removedAt is null ? null : "acknowledged",
        });
        await db.SaveChangesAsync();
    }

    /// <summary>An event of the company's first integration (an SO one is made when it has none).</summary>
    private static async Task<BusinessEvent> EventAsync(PortalDbContext db, int companyId, string type, DateTime createdAt)
    {
        var integrationId = await db.Integrations.Where(i => i.CompanyId == companyId).Select(i => (int?)i.Id).FirstOrDefaultAsync()
            ?? (await TestData.IntegrationAsync(db, companyId, IntegrationKind.SalesOrder)).Id;
        var businessEvent = new BusinessEvent
        {
            CompanyId = companyId,
            IntegrationId = integrationId,
            Type = type,
            ContentType = "application/xml",
            Payload = "<Order/>",
            CreatedAt = createdAt,
        };
        db.Events.Add(businessEvent);
        await db.SaveChangesAsync();
        return businessEvent;
    }
}
