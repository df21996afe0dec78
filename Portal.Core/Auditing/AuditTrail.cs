using Jakamo.Portal.Core.Data;
using Jakamo.Portal.Core.Security;

namespace Jakamo.Portal.Core.Auditing;

/// <summary>Adds audit entries to a context so they commit with the change they describe.</summary>
public sealed class AuditTrail(TimeProvider time)
{
    public void Record(PortalDbContext db, PortalActor actor, int? companyId, string entityType, object entityId, string action, string? details = null) =>
        db.AuditEntries.Add(new AuditEntry
        {
            At = time.GetUtcNow().UtcDateTime,
            UserId = actor.UserId,
            UserName = actor.UserName,
            CompanyId = companyId,
            EntityType = entityType,
            EntityId = Convert.ToString(entityId, System.Globalization.CultureInfo.InvariantCulture) ?? "",
            Action = action,
            Details = details is { Length: > 2000 } ? details[..2000] : details,
        });
}
