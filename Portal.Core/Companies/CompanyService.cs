using Jakamo.Portal.Core.Auditing;
using Jakamo.Portal.Core.Common;
using Jakamo.Portal.Core.Data;
using Jakamo.Portal.Core.Security;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Jakamo.Portal.Core.Companies;

public sealed record CompanyView(int Id, string Name, int IntegrationCount, int WebhookCount, int AdminCount, string? WebhookIntegrationName);

/// <summary>A company's id and name only: what a trading partner may see of it.</summary>
public sealed record CompanyRef(int Id, string Name);

public sealed record CreateCompanyInput(string? Name);

public sealed record CreateAdminInput(string? Email);

/// <summary>A new company admin and the one-time password they must change at first sign-in.</summary>
public sealed record CreatedAdmin(string UserId, string Email, int CompanyId, string OneTimePassword);

/// <summary>Companies (tenants) and onboarding of their admins.</summary>
public sealed class CompanyService(
    IDbContextFactory<PortalDbContext> dbFactory,
    UserManager<PortalUser> users,
    AuditTrail audit,
    TimeProvider time)
{
    private const string Entity = "Company";

    public async Task<IReadOnlyList<CompanyView>> ListAsync(PortalActor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.Companies.AsNoTracking();
        if (!actor.IsSupport)
        {
            query = query.Where(c => c.Id == actor.CompanyId);
        }

        return await query.OrderBy(c => c.Name).Select(c => new CompanyView(
            c.Id,
            c.Name,
            db.Integrations.Count(i => i.CompanyId == c.Id),
            db.Webhooks.Count(w => w.CompanyId == c.Id),
            db.Users.Count(u => u.CompanyId == c.Id),
            c.WebhookIntegration != null ? c.WebhookIntegration.Name : null)).ToListAsync(ct);
    }

    /// <summary>Every company on Jakamo, by name, for mapping partner codes to trading partners.</summary>
    public async Task<IReadOnlyList<CompanyRef>> ListPartnersAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Companies.AsNoTracking().OrderBy(c => c.Name).Select(c => new CompanyRef(c.Id, c.Name)).ToListAsync(ct);
    }

    public async Task<CompanyView> CreateAsync(PortalActor actor, CreateCompanyInput input, CancellationToken ct = default)
    {
        actor.RequireSupport();
        var name = input.Name?.Trim();
        if (string.IsNullOrWhiteSpace(name) || name.Length > 200)
        {
            throw new PortalValidationException(nameof(input.Name), "Company name is required, at most 200 characters.");
        }

        TextRules.ThrowIfHiddenCharacters(name, nameof(input.Name), "Company name");

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await db.Companies.AnyAsync(c => c.Name == name, ct))
        {
            throw new PortalValidationException(nameof(input.Name), $"A company named '{name}' already exists.");
        }

        var company = new Company { Name = name, CreatedAt = time.GetUtcNow().UtcDateTime };
        db.Companies.Add(company);
        await db.SaveChangesAsync(ct);
        audit.Record(db, actor, company.Id, Entity, company.Id, "Created", $"Created company '{name}'");
        await db.SaveChangesAsync(ct);
        return new CompanyView(company.Id, company.Name, 0, 0, 0, null);
    }

    /// <summary>Creates a company admin with a one-time password that must be changed at first sign-in.</summary>
    public async Task<CreatedAdmin> CreateAdminAsync(PortalActor actor, int companyId, CreateAdminInput input, CancellationToken ct = default)
    {
        actor.RequireSupport();
        var email = input.Email?.Trim();
        if (string.IsNullOrWhiteSpace(email) || !TextRules.IsEmailAddress(email))
        {
            throw new PortalValidationException(nameof(input.Email), "Enter the admin's e-mail address, for example anna@example.com.");
        }

        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            if (!await db.Companies.AnyAsync(c => c.Id == companyId, ct))
            {
                throw new PortalNotFoundException($"Company {companyId}");
            }
        }

        if (await users.FindByNameAsync(email) is not null)
        {
            throw new PortalValidationException(nameof(input.Email), $"A user '{email}' already exists.");
        }

        var password = SecretGenerator.NewOneTimePassword();
        var user = new PortalUser { UserName = email, Email = email, EmailConfirmed = true, CompanyId = companyId, MustChangePassword = true };
        ThrowIfFailed(await users.CreateAsync(user, password), nameof(input.Email));
        ThrowIfFailed(await users.AddToRoleAsync(user, PortalRoles.CompanyAdmin), nameof(input.Email));

        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            audit.Record(db, actor, companyId, "User", user.Id, "AdminCreated", $"Created company admin '{email}' with a one-time password");
            await db.SaveChangesAsync(ct);
        }

        return new CreatedAdmin(user.Id, email, companyId, password);
    }

    internal static void ThrowIfFailed(IdentityResult result, string field)
    {
        if (!result.Succeeded)
        {
            throw new PortalValidationException(field, string.Join(" ", result.Errors.Select(e => e.Description)));
        }
    }
}
