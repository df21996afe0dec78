using Microsoft.EntityFrameworkCore;

namespace Jakamo.Portal.Core.Data;

/// <summary>Runs work in one transaction under the provider's execution strategy (as in eShop).</summary>
public static class ResilientTransaction
{
    public static Task<T> InTransactionAsync<T>(this PortalDbContext db, Func<CancellationToken, Task<T>> work, CancellationToken ct) =>
        db.Database.CreateExecutionStrategy().ExecuteAsync(async cancel =>
        {
            await using var tx = await db.Database.BeginTransactionAsync(cancel);
            var result = await work(cancel);
            await tx.CommitAsync(cancel);
            return result;
        }, ct);
}
