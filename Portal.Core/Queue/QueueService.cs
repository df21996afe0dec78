using Jakamo.Portal.Core.Data;
using Jakamo.Portal.Core.Integrations;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Jakamo.Portal.Core.Queue;

/// <summary>The message an integration client reads from its queue.</summary>
public sealed record QueueItem(long MessageId, long EventId, string EventType, string ContentType, string Payload, DateTime CreatedAt);

public sealed record QueueStats(int IntegrationId, string IntegrationName, int CompanyId, string CompanyName, int Count, DateTime? OldestAt);

/// <summary>The API queue of each integration: oldest unacknowledged message first, one at a time.</summary>
public sealed class QueueService(IDbContextFactory<PortalDbContext> dbFactory, IPasswordHasher<Integration> hasher, TimeProvider time)
{
    /// <summary>Checks the integration client's Basic credentials; returns the integration id, or null.</summary>
    public async Task<int?> AuthenticateAsync(string userName, string password, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var integration = await db.Integrations.AsNoTracking().FirstOrDefaultAsync(i => i.QueueUserName == userName, ct);
        if (integration?.QueuePasswordHash is null)
        {
            return null;
        }

        return hasher.VerifyHashedPassword(integration, integration.QueuePasswordHash, password) == PasswordVerificationResult.Failed
            ? null
            : integration.Id;
    }

    public async Task<QueueItem?> PeekAsync(int integrationId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.QueueMessages.AsNoTracking()
            .Where(q => q.IntegrationId == integrationId && q.RemovedAt == null)
            .OrderBy(q => q.Id)
            .Select(q => new QueueItem(q.Id, q.EventId, q.Event!.Type, q.Event.ContentType, q.Event.Payload, q.CreatedAt))
            .FirstOrDefaultAsync(ct);
    }

    /// <summary>Removes the message; false when it is not this integration's. Acknowledging twice is fine.</summary>
    public async Task<bool> AcknowledgeAsync(int integrationId, long messageId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var message = await db.QueueMessages.FirstOrDefaultAsync(q => q.Id == messageId && q.IntegrationId == integrationId, ct);
        if (message is null)
        {
            return false;
        }

        if (message.RemovedAt is null)
        {
            message.RemovedAt = time.GetUtcNow().UtcDateTime;
            message.RemovedBy = "acknowledged";
            await db.SaveChangesAsync(ct);
        }

        return true;
    }

    /// <summary>Message count and oldest message per integration the actor can see.</summary>
    public async Task<IReadOnlyList<QueueStats>> StatsAsync(Security.PortalActor actor, int? companyId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var integrations = db.Integrations.AsNoTracking();
        if (!actor.IsSupport)
        {
            integrations = integrations.Where(i => i.CompanyId == actor.CompanyId);
        }
        else if (companyId is { } company)
        {
            integrations = integrations.Where(i => i.CompanyId == company);
        }

        return await integrations.OrderBy(i => i.Company!.Name).ThenBy(i => i.Name).Select(i => new QueueStats(
            i.Id,
            i.Name,
            i.CompanyId,
            i.Company!.Name,
            db.QueueMessages.Count(q => q.IntegrationId == i.Id && q.RemovedAt == null),
            db.QueueMessages.Where(q => q.IntegrationId == i.Id && q.RemovedAt == null).Min(q => (DateTime?)q.CreatedAt))).ToListAsync(ct);
    }

    /// <summary>The oldest message of an integration the actor can see, for the queue page's peek.</summary>
    public async Task<QueueItem?> PeekForActorAsync(Security.PortalActor actor, int integrationId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var integration = await db.Integrations.AsNoTracking().FirstOrDefaultAsync(i => i.Id == integrationId, ct);
        if (integration is null || !actor.CanAccessCompany(integration.CompanyId))
        {
            throw new Common.PortalNotFoundException($"Integration {integrationId}");
        }

        return await PeekAsync(integrationId, ct);
    }
}
