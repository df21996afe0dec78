using System.Globalization;
using Jakamo.Portal.Core.Data;
using Jakamo.Portal.Core.Security;

namespace Jakamo.Portal.Core.Deliveries;

/// <summary>What deliveries and attempts share, so both lists filter through one piece of code.</summary>
public interface ITransportLogEntry
{
    int CompanyId { get; }

    int WebhookId { get; }

    string EventType { get; }

    long EventId { get; }
}

/// <summary>The filters common to the deliveries list and the transport log: tenancy, company, webhook, event type,
/// and a search matching the event id, the external id or the reference (order number).</summary>
internal static class TransportLogQuery
{
    public static IQueryable<T> Matching<T>(
        this IQueryable<T> query, PortalDbContext db, PortalActor actor, int? companyId, int? webhookId, string? eventType, string? search)
        where T : class, ITransportLogEntry
    {
        if (!actor.IsSupport)
        {
            query = query.Where(e => e.CompanyId == actor.CompanyId);
        }

        if (companyId is { } company)
        {
            query = query.Where(e => e.CompanyId == company);
        }

        if (webhookId is { } webhook)
        {
            query = query.Where(e => e.WebhookId == webhook);
        }

        if (!string.IsNullOrWhiteSpace(eventType))
        {
            query = query.Where(e => e.EventType == eventType);
        }

        if (!string.IsNullOrWhiteSpace(search))
        {
            // One branch per way to match, each served by its own index: an OR in one query lets SQLite scan the events instead,
            // and an OR on the entry's event id lets it walk the company's whole log.
            var text = search.Trim();
            var eventIds = db.Events.Where(e => e.ExternalId == text).Select(e => e.Id)
                .Concat(db.Events.Where(e => e.Reference == text).Select(e => e.Id));
            if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var eventId))
            {
                eventIds = eventIds.Concat(db.Events.Where(e => e.Id == eventId).Select(e => e.Id));
            }

            query = query.Where(e => eventIds.Contains(e.EventId));
        }

        return query;
    }
}
