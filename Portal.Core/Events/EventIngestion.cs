using Jakamo.Portal.Core.Common;
using Jakamo.Portal.Core.Data;
using Jakamo.Portal.Core.Deliveries;
using Jakamo.Portal.Core.Firewall;
using Jakamo.Portal.Core.Integrations;
using Jakamo.Portal.Core.Queue;
using Jakamo.Portal.Core.Webhooks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Jakamo.Portal.Core.Events;

/// <summary>What the platform sends for one event.</summary>
public sealed class EventInput
{
    public string? Type { get; set; }

    public int IntegrationId { get; set; }

    public string? ContentType { get; set; }

    public string? Payload { get; set; }

    public string? ExternalId { get; set; }

    /// <summary>A business reference such as the order number, shown and searchable in the transport log.</summary>
    public string? Reference { get; set; }

    /// <summary>Also put the message in the integration's API queue.</summary>
    public bool Queue { get; set; }
}

public sealed record PublishedEvent(long EventId, bool Duplicate, int Deliveries, long? QueueMessageId);

/// <summary>Settings under <c>Portal:Events</c>.</summary>
public sealed class EventOptions
{
    public const string SectionName = "Portal:Events";

    /// <summary>API keys the platform sends in X-Api-Key.</summary>
    public List<string> ApiKeys { get; set; } = [];

    public int MaxPayloadBytes { get; set; } = 1024 * 1024;

    public int MaxBatchSize { get; set; } = 1000;
}

/// <summary>Accepts events: the event, its queue message and one delivery per matching webhook are stored in one
/// transaction (an outbox); the delivery jobs are enqueued after the commit.</summary>
public sealed partial class EventIngestion(
    IDbContextFactory<PortalDbContext> dbFactory,
    IDeliveryJobs jobs,
    Deliveries.Sending.IOpenedHosts openedHosts,
    TimeProvider time,
    IOptions<EventOptions> options,
    ILogger<EventIngestion> logger)
{
    private const int MaxRefLength = 200;

    public async Task<PublishedEvent> PublishAsync(EventInput input, CancellationToken ct = default) =>
        (await PublishBatchAsync([input], ct))[0];

    /// <summary>Validates every event first, then stores them all in one transaction: a bad event stores nothing.</summary>
    public async Task<IReadOnlyList<PublishedEvent>> PublishBatchAsync(IReadOnlyList<EventInput> inputs, CancellationToken ct = default)
    {
        if (inputs.Count == 0 || inputs.Count > options.Value.MaxBatchSize)
        {
            throw new PortalValidationException("events", $"Send 1 to {options.Value.MaxBatchSize} events.");
        }

        var errors = new ValidationErrors();
        for (var i = 0; i < inputs.Count; i++)
        {
            Validate(inputs[i], inputs.Count == 1 ? "" : $"events[{i}].", errors);
        }

        errors.ThrowIfAny();

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var integrationIds = inputs.Select(i => i.IntegrationId).Distinct().ToList();
        var integrations = await db.Integrations.AsNoTracking().Where(i => integrationIds.Contains(i.Id)).ToDictionaryAsync(i => i.Id, ct);
        for (var i = 0; i < inputs.Count; i++)
        {
            if (!integrations.ContainsKey(inputs[i].IntegrationId))
            {
                errors.Add(inputs.Count == 1 ? "integrationId" : $"events[{i}].integrationId", $"Integration {inputs[i].IntegrationId} does not exist.");
            }
        }

        errors.ThrowIfAny();

        var companyIds = integrations.Values.Select(i => i.CompanyId).Distinct().ToList();
        var webhooks = await db.Webhooks.AsNoTracking().Include(w => w.EventTypes)
            .Where(w => companyIds.Contains(w.CompanyId) && w.Enabled).ToListAsync(ct);
        var held = webhooks.Where(w => !openedHosts.IsOpened(DeliveryEngine.HostOf(w.PayloadUrl))).Select(w => w.Id).ToHashSet();

        try
        {
            return await StoreAsync(db, inputs, integrations, webhooks, held, ct);
        }
        catch (DbUpdateException) when (inputs.Any(i => !string.IsNullOrWhiteSpace(i.ExternalId)))
        {
            // Another request stored the same external id between our check and our commit: now it is found.
            db.ChangeTracker.Clear();
            return await StoreAsync(db, inputs, integrations, webhooks, held, ct);
        }
    }

    private async Task<IReadOnlyList<PublishedEvent>> StoreAsync(
        PortalDbContext db,
        IReadOnlyList<EventInput> inputs,
        Dictionary<int, Integration> integrations,
        List<Webhook> webhooks,
        HashSet<int> held,
        CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;

        var (published, newDeliveries) = await db.InTransactionAsync(async cancel =>
        {
            var results = new List<PublishedEvent>(inputs.Count);
            var deliveries = new List<Delivery>();
            var pending = new List<(BusinessEvent Event, QueueMessage? Queue, List<Delivery> Deliveries, bool Duplicate)>();
            var known = await KnownByExternalIdAsync(db, inputs, cancel);
            foreach (var input in inputs)
            {
                var integration = integrations[input.IntegrationId];
                var externalId = NullIfBlank(input.ExternalId);
                if (externalId is not null && known.TryGetValue((integration.Id, externalId), out var existing))
                {
                    pending.Add((existing, null, [], true));
                    continue;
                }

                var businessEvent = new BusinessEvent
                {
                    CompanyId = integration.CompanyId,
                    IntegrationId = integration.Id,
                    Type = input.Type!,
                    ContentType = input.ContentType!.Trim(),
                    Payload = input.Payload!,
                    ExternalId = externalId,
                    Reference = NullIfBlank(input.Reference),
                    CreatedAt = now,
                };
                db.Events.Add(businessEvent);
                if (externalId is not null)
                {
                    known[(integration.Id, externalId)] = businessEvent;
                }

                var queueMessage = input.Queue ? new QueueMessage { IntegrationId = integration.Id, Event = businessEvent, CreatedAt = now } : null;
                if (queueMessage is not null)
                {
                    db.QueueMessages.Add(queueMessage);
                }

                var eventDeliveries = webhooks.Where(w => Triggers(w, integration, businessEvent.Type)).Select(w => new Delivery
                {
                    WebhookId = w.Id,
                    CompanyId = w.CompanyId,
                    EventType = businessEvent.Type,
                    Status = held.Contains(w.Id) ? DeliveryStatus.Held : DeliveryStatus.Pending,
                    NextAttemptAt = now,
                    CreatedAt = now,
                    LastMessage = held.Contains(w.Id) ? "host not opened in firewall; held until Jakamo support opens it" : null,
                }).ToList();
                deliveries.AddRange(eventDeliveries);
                pending.Add((businessEvent, queueMessage, eventDeliveries, false));
            }

            // The events (whose ids are needed) through EF; their deliveries, ten or a thousand times as many, in bulk.
            await db.SaveChangesAsync(cancel);
            foreach (var (businessEvent, _, eventDeliveries, _) in pending)
            {
                eventDeliveries.ForEach(d => d.EventId = businessEvent.Id);
            }

            await db.InsertAsync(deliveries, cancel);
            foreach (var (businessEvent, queueMessage, eventDeliveries, duplicate) in pending)
            {
                results.Add(new PublishedEvent(businessEvent.Id, duplicate, eventDeliveries.Count, queueMessage?.Id));
            }

            return (results, deliveries);
        }, ct);

        foreach (var group in newDeliveries.Where(d => d.Status == DeliveryStatus.Pending).GroupBy(d => d.WebhookId))
        {
            var webhook = webhooks.First(w => w.Id == group.Key);
            try
            {
                jobs.EnqueueFirstAttempts(new DeliveryJobInfo(webhook.Id, webhook.Name, Summary(group.Select(d => d.EventType)), Count: group.Count()));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The events are committed, so the answer stays 202: failing now would make the platform send them again.
                // The recovery pass finds the deliveries within a minute.
                LogEnqueueFailed(logger, ex, group.Count(), webhook.Id);
            }
        }

        return published;
    }

    [LoggerMessage(LogLevel.Warning, "Could not queue the job for {Count} new deliveries of webhook {WebhookId}; the recovery pass will send them.")]
    private static partial void LogEnqueueFailed(ILogger logger, Exception exception, int count, int webhookId);

    /// <summary>The stored events the batch's external ids refer to, found with one query.</summary>
    private static async Task<Dictionary<(int IntegrationId, string ExternalId), BusinessEvent>> KnownByExternalIdAsync(
        PortalDbContext db, IReadOnlyList<EventInput> inputs, CancellationToken ct)
    {
        var externalIds = inputs.Select(i => NullIfBlank(i.ExternalId)).OfType<string>().Distinct().ToList();
        if (externalIds.Count == 0)
        {
            return [];
        }

        var integrationIds = inputs.Select(i => i.IntegrationId).Distinct().ToList();
        var stored = await db.Events.AsNoTracking()
            .Where(e => integrationIds.Contains(e.IntegrationId) && e.ExternalId != null && externalIds.Contains(e.ExternalId))
            .ToListAsync(ct);
        return stored.ToDictionary(e => (e.IntegrationId, e.ExternalId!));
    }

    /// <summary>SPEC "Which webhooks an event triggers".</summary>
    public static bool Triggers(Webhook webhook, Integration integration, string eventType) =>
        webhook.CompanyId == integration.CompanyId
        && webhook.Enabled
        && (webhook.EventSelection == EventSelection.All || webhook.EventTypes.Any(e => e.EventTypeName == eventType))
        && (webhook.IntegrationId is null
            ? integration.Kind is IntegrationKind.SalesOrder or IntegrationKind.Asn
            : webhook.IntegrationId == integration.Id);

    private void Validate(EventInput input, string prefix, ValidationErrors errors)
    {
        if (string.IsNullOrWhiteSpace(input.Type) || !EventTypeCatalog.IsKnown(input.Type))
        {
            errors.Add(prefix + "type", $"Type must be one of: {string.Join(", ", EventTypeCatalog.All.Select(t => t.Name))}.");
        }

        if (input.IntegrationId <= 0)
        {
            errors.Add(prefix + "integrationId", "IntegrationId is required.");
        }

        if (string.IsNullOrWhiteSpace(input.ContentType) || input.ContentType.Length > 200
            || !System.Net.Http.Headers.MediaTypeHeaderValue.TryParse(input.ContentType, out _))
        {
            errors.Add(prefix + "contentType", "ContentType must be a media type, such as application/xml or application/json.");
        }

        if (string.IsNullOrEmpty(input.Payload))
        {
            errors.Add(prefix + "payload", "Payload is required: the UBL XML or JSON message.");
        }
        else if (System.Text.Encoding.UTF8.GetByteCount(input.Payload) > options.Value.MaxPayloadBytes)
        {
            errors.Add(prefix + "payload", $"Payload can be at most {options.Value.MaxPayloadBytes} bytes.");
        }

        if (input.ExternalId is { Length: > MaxRefLength } || input.Reference is { Length: > MaxRefLength })
        {
            errors.Add(prefix + "externalId", $"ExternalId and reference can be at most {MaxRefLength} characters.");
        }

        TextRules.RejectHiddenCharacters(input.ExternalId, errors, prefix + "externalId", "ExternalId");
        TextRules.RejectHiddenCharacters(input.Reference, errors, prefix + "reference", "Reference");
    }

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static string Summary(IEnumerable<string> types)
    {
        var distinct = types.Distinct().ToList();
        return distinct.Count == 1 ? distinct[0] : "events";
    }
}
