using Jakamo.Portal.Core.Auditing;
using Jakamo.Portal.Core.Common;
using Jakamo.Portal.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Jakamo.Portal.Core.Security;

public sealed record ApiTokenView(int Id, string Name, string Prefix, DateTime CreatedAt, DateTime? LastUsedAt, DateTime? RevokedAt);

/// <summary>A token is returned in plain text only here, at creation.</summary>
public sealed record CreatedApiToken(ApiTokenView Token, string PlainText);

/// <summary>The user a bearer token authenticates.</summary>
public sealed record ApiTokenIdentity(string UserId, int TokenId);

/// <summary>Personal API tokens: created and revoked by their owner, stored as SHA-256 hashes.</summary>
public sealed class ApiTokenService(IDbContextFactory<PortalDbContext> dbFactory, AuditTrail audit, TimeProvider time)
{
    public const string Prefix = "jkp_";

    public async Task<IReadOnlyList<ApiTokenView>> ListAsync(PortalActor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.ApiTokens.AsNoTracking().Where(t => t.UserId == actor.UserId)
            .OrderByDescending(t => t.CreatedAt)
            .Select(t => new ApiTokenView(t.Id, t.Name, t.Prefix, t.CreatedAt, t.LastUsedAt, t.RevokedAt))
            .ToListAsync(ct);
    }

    public async Task<CreatedApiToken> CreateAsync(PortalActor actor, string? name, CancellationToken ct = default)
    {
        var trimmed = name?.Trim();
        if (string.IsNullOrWhiteSpace(trimmed) || trimmed.Length > 100)
        {
            throw new PortalValidationException("name", "Give the token a name, at most 100 characters, for example \"ERP automation\".");
        }

        TextRules.ThrowIfHiddenCharacters(trimmed, "name", "Token name");

        return await CreateForUserAsync(actor, actor.UserId, trimmed, SecretGenerator.NewApiToken(), ct);
    }

    /// <summary>Provisions a known token (the bootstrap support token) unless it already exists.</summary>
    public async Task EnsureTokenAsync(string userId, string name, string plainText, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var hash = SecretGenerator.Sha256Hex(plainText);
        if (!await db.ApiTokens.AnyAsync(t => t.TokenHash == hash, ct))
        {
            await CreateForUserAsync(PortalActor.System, userId, name, plainText, ct);
        }
    }

    public async Task RevokeAsync(PortalActor actor, int id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var token = await db.ApiTokens.FirstOrDefaultAsync(t => t.Id == id && t.UserId == actor.UserId, ct)
            ?? throw new PortalNotFoundException($"API token {id}");
        token.RevokedAt ??= time.GetUtcNow().UtcDateTime;
        audit.Record(db, actor, actor.CompanyId, "ApiToken", id, "Revoked", $"Revoked API token '{token.Name}'");
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Finds the live token's user; records its use at most once a minute to keep writes rare.</summary>
    public async Task<ApiTokenIdentity?> AuthenticateAsync(string plainText, CancellationToken ct = default)
    {
        if (!plainText.StartsWith(Prefix, StringComparison.Ordinal) || plainText.Length > 200)
        {
            return null;
        }

        var hash = SecretGenerator.Sha256Hex(plainText);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var token = await db.ApiTokens.FirstOrDefaultAsync(t => t.TokenHash == hash && t.RevokedAt == null, ct);
        if (token is null)
        {
            return null;
        }

        var now = time.GetUtcNow().UtcDateTime;
        if (token.LastUsedAt is null || now - token.LastUsedAt > TimeSpan.FromMinutes(1))
        {
            token.LastUsedAt = now;
            await db.SaveChangesAsync(ct);
        }

        return new ApiTokenIdentity(token.UserId, token.Id);
    }

    private async Task<CreatedApiToken> CreateForUserAsync(PortalActor actor, string userId, string name, string plainText, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var token = new ApiToken
        {
            UserId = userId,
            Name = name,
            Prefix = plainText[..Math.Min(12, plainText.Length)],
            TokenHash = SecretGenerator.Sha256Hex(plainText),
            CreatedAt = time.GetUtcNow().UtcDateTime,
        };
        db.ApiTokens.Add(token);
        await db.SaveChangesAsync(ct);
        audit.Record(db, actor, actor.CompanyId, "ApiToken", token.Id, "Created", $"Created API token '{name}'");
        await db.SaveChangesAsync(ct);
        return new CreatedApiToken(new ApiTokenView(token.Id, token.Name, token.Prefix, token.CreatedAt, null, null), plainText);
    }
}
