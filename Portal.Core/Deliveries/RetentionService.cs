using Jakamo.Portal.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Jakamo.Portal.Core.Deliveries;

/// <summary>Settings under <c>Portal:Retention</c>.</summary>
public sealed class RetentionOptions
{
    public const string SectionName = "Portal:Retention";

    /// <summary>Attempt payloads older than this many days are deleted; the attempt rows stay.</summary>
    public int Days { get; set; } = 90;
}

/// <summary>Deletes old request and response payloads from the transport log.</summary>
public sealed class RetentionService(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider time, IOptions<RetentionOptions> options)
{
    public async Task<int> PurgeAsync(CancellationToken ct = default)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var cutoff = now.AddDays(-Math.Max(1, options.Value.Days));
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Attempts.Where(a => a.StartedAt < cutoff && a.PayloadsPurgedAt == null)
            .ExecuteUpdateAsync(s => s
                .SetProperty(a => a.RequestBody, (string?)null)
                .SetProperty(a => a.ResponseBody, (string?)null)
                .SetProperty(a => a.PayloadsPurgedAt, now), ct);
    }
}

/// <summary>Used until the web host plugs in live publishing.</summary>
internal sealed class NoAttemptListener : IAttemptListener
{
    public void Committed(IReadOnlyList<LiveAttempt> attempts)
    {
    }
}
