using Jakamo.Portal.Core.Auditing;
using Jakamo.Portal.Core.Common;
using Jakamo.Portal.Core.Data;
using Jakamo.Portal.Core.Security;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Jakamo.Portal.Core.Integrations;

/// <summary>Integrations, their queue credentials, mappings and the company's designated webhook integration.</summary>
public sealed class IntegrationService(
    IDbContextFactory<PortalDbContext> dbFactory,
    IPasswordHasher<Integration> hasher,
    AuditTrail audit,
    TimeProvider time)
{
    private const string Entity = "Integration";

    public async Task<IReadOnlyList<IntegrationView>> ListAsync(PortalActor actor, int? companyId = null, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.Integrations.AsNoTracking();
        if (!actor.IsSupport)
        {
            query = query.Where(i => i.CompanyId == actor.CompanyId);
        }
        else if (companyId is { } company)
        {
            query = query.Where(i => i.CompanyId == company);
        }

        var integrations = await query
            .Include(i => i.Company)
            .Include(i => i.CompanyMappings).ThenInclude(m => m.JakamoCompany)
            .Include(i => i.UserMappings)
            .OrderBy(i => i.Company!.Name).ThenBy(i => i.Kind).ThenBy(i => i.Name)
            .AsSplitQuery()
            .ToListAsync(ct);
        return [.. integrations.Select(ToView)];
    }

    public async Task<IntegrationView> GetAsync(PortalActor actor, int id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var integration = await db.Integrations.AsNoTracking()
            .Include(i => i.Company)
            .Include(i => i.CompanyMappings).ThenInclude(m => m.JakamoCompany)
            .Include(i => i.UserMappings)
            .AsSplitQuery()
            .FirstOrDefaultAsync(i => i.Id == id, ct);
        return integration is not null && actor.CanAccessCompany(integration.CompanyId)
            ? ToView(integration)
            : throw new PortalNotFoundException($"Integration {id}");
    }

    public async Task<IntegrationView> CreateAsync(PortalActor actor, CreateIntegrationInput input, CancellationToken ct = default)
    {
        actor.RequireSupport();
        var errors = new ValidationErrors();
        var name = input.Name?.Trim();
        if (string.IsNullOrWhiteSpace(name) || name.Length > 100)
        {
            errors.Add(nameof(input.Name), "Integration name is required, at most 100 characters.");
        }
        else
        {
            TextRules.RejectHiddenCharacters(name, errors, nameof(input.Name), "Integration name");
        }

        if (!Enum.IsDefined(input.Kind))
        {
            errors.Add(nameof(input.Kind), "Kind must be PurchaseOrder, SalesOrder or Asn.");
        }

        errors.ThrowIfAny();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!await db.Companies.AnyAsync(c => c.Id == input.CompanyId, ct))
        {
            throw new PortalValidationException(nameof(input.CompanyId), $"Company {input.CompanyId} does not exist.");
        }

        if (await db.Integrations.AnyAsync(i => i.CompanyId == input.CompanyId && i.Name == name, ct))
        {
            throw new PortalValidationException(nameof(input.Name), $"The company already has an integration named '{name}'.");
        }

        var integration = new Integration { CompanyId = input.CompanyId, Kind = input.Kind, Name = name!, CreatedAt = time.GetUtcNow().UtcDateTime };
        db.Integrations.Add(integration);
        await db.SaveChangesAsync(ct);
        audit.Record(db, actor, input.CompanyId, Entity, integration.Id, "Created", $"Created {input.Kind} integration '{name}'");
        await db.SaveChangesAsync(ct);
        return await GetAsync(actor, integration.Id, ct);
    }

    public async Task<IntegrationView> SetCredentialsAsync(PortalActor actor, int id, IntegrationCredentialsInput input, CancellationToken ct = default)
    {
        actor.RequireSupport();
        var errors = new ValidationErrors();
        var userName = input.UserName?.Trim();
        if (string.IsNullOrWhiteSpace(userName) || userName.Length > 100 || userName.Contains(':', StringComparison.Ordinal))
        {
            errors.Add(nameof(input.UserName), "User name is required: at most 100 characters, without a colon.");
        }

        if (input.Password is not { Length: >= 12 and <= 200 })
        {
            errors.Add(nameof(input.Password), "Password must be 12 to 200 characters.");
        }

        errors.ThrowIfAny();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var integration = await db.Integrations.FirstOrDefaultAsync(i => i.Id == id, ct)
            ?? throw new PortalNotFoundException($"Integration {id}");
        if (await db.Integrations.AnyAsync(i => i.Id != id && i.QueueUserName == userName, ct))
        {
            throw new PortalValidationException(nameof(input.UserName), $"User name '{userName}' is already used by another integration.");
        }

        integration.QueueUserName = userName;
        integration.QueuePasswordHash = hasher.HashPassword(integration, input.Password!);
        audit.Record(db, actor, integration.CompanyId, Entity, id, "CredentialsSet", $"Set queue credentials for user '{userName}'");
        await db.SaveChangesAsync(ct);
        return await GetAsync(actor, id, ct);
    }

    /// <summary>Designates the SO integration as its company's webhook integration, or clears the designation.</summary>
    public async Task<IntegrationView> SetWebhookIntegrationAsync(PortalActor actor, int id, bool designated, CancellationToken ct = default)
    {
        actor.RequireSupport();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var integration = await db.Integrations.Include(i => i.Company).FirstOrDefaultAsync(i => i.Id == id, ct)
            ?? throw new PortalNotFoundException($"Integration {id}");
        var company = integration.Company!;
        if (designated)
        {
            if (integration.Kind != IntegrationKind.SalesOrder)
            {
                throw new PortalValidationException(nameof(WebhookIntegrationInput.Designated),
                    "Only a Sales Order integration can be the webhook integration.");
            }

            company.WebhookIntegrationId = integration.Id;
            audit.Record(db, actor, company.Id, Entity, id, "WebhookIntegrationDesignated", $"Designated '{integration.Name}' as the webhook integration");
        }
        else if (company.WebhookIntegrationId == integration.Id)
        {
            company.WebhookIntegrationId = null;
            audit.Record(db, actor, company.Id, Entity, id, "WebhookIntegrationCleared", $"Cleared '{integration.Name}' as the webhook integration");
        }

        await db.SaveChangesAsync(ct);
        return await GetAsync(actor, id, ct);
    }

    public async Task<IntegrationView> AddCompanyMappingAsync(PortalActor actor, int integrationId, CompanyMappingInput input, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var integration = await LoadForChangeAsync(db, actor, integrationId, ct);
        var code = input.ExternalCode?.Trim();
        if (string.IsNullOrWhiteSpace(code) || code.Length > 100)
        {
            throw new PortalValidationException(nameof(input.ExternalCode), "Partner code is required, at most 100 characters.");
        }

        TextRules.ThrowIfHiddenCharacters(code, nameof(input.ExternalCode), "Partner code");

        if (!await db.Companies.AnyAsync(c => c.Id == input.JakamoCompanyId, ct))
        {
            throw new PortalValidationException(nameof(input.JakamoCompanyId), "Choose a Jakamo company.");
        }

        if (await db.CompanyMappings.AnyAsync(m => m.IntegrationId == integrationId && m.ExternalCode == code, ct))
        {
            throw new PortalValidationException(nameof(input.ExternalCode), $"Partner code '{code}' is already mapped.");
        }

        db.CompanyMappings.Add(new CompanyMapping { IntegrationId = integrationId, ExternalCode = code, JakamoCompanyId = input.JakamoCompanyId });
        audit.Record(db, actor, integration.CompanyId, Entity, integrationId, "CompanyMappingAdded", $"Mapped partner code '{code}'");
        await db.SaveChangesAsync(ct);
        return await GetAsync(actor, integrationId, ct);
    }

    public async Task<IntegrationView> AddUserMappingAsync(PortalActor actor, int integrationId, UserMappingInput input, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var integration = await LoadForChangeAsync(db, actor, integrationId, ct);
        var errors = new ValidationErrors();
        var external = input.ExternalUserId?.Trim();
        var user = input.JakamoUserName?.Trim();
        if (string.IsNullOrWhiteSpace(external) || external.Length > 100)
        {
            errors.Add(nameof(input.ExternalUserId), "External user id is required, at most 100 characters.");
        }
        else
        {
            TextRules.RejectHiddenCharacters(external, errors, nameof(input.ExternalUserId), "External user id");
        }

        if (string.IsNullOrWhiteSpace(user) || !TextRules.IsEmailAddress(user))
        {
            errors.Add(nameof(input.JakamoUserName), "Enter the Jakamo user's e-mail address, for example anna@example.com.");
        }

        errors.ThrowIfAny();
        if (await db.UserMappings.AnyAsync(m => m.IntegrationId == integrationId && m.ExternalUserId == external, ct))
        {
            throw new PortalValidationException(nameof(input.ExternalUserId), $"External user '{external}' is already mapped.");
        }

        db.UserMappings.Add(new UserMapping { IntegrationId = integrationId, ExternalUserId = external!, JakamoUserName = user! });
        audit.Record(db, actor, integration.CompanyId, Entity, integrationId, "UserMappingAdded", $"Mapped external user '{external}'");
        await db.SaveChangesAsync(ct);
        return await GetAsync(actor, integrationId, ct);
    }

    public async Task<IntegrationView> RemoveCompanyMappingAsync(PortalActor actor, int integrationId, int mappingId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var integration = await LoadForChangeAsync(db, actor, integrationId, ct);
        var mapping = await db.CompanyMappings.FirstOrDefaultAsync(m => m.Id == mappingId && m.IntegrationId == integrationId, ct)
            ?? throw new PortalNotFoundException($"Company mapping {mappingId}");
        db.CompanyMappings.Remove(mapping);
        audit.Record(db, actor, integration.CompanyId, Entity, integrationId, "CompanyMappingRemoved", $"Removed partner code '{mapping.ExternalCode}'");
        await db.SaveChangesAsync(ct);
        return await GetAsync(actor, integrationId, ct);
    }

    public async Task<IntegrationView> RemoveUserMappingAsync(PortalActor actor, int integrationId, int mappingId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var integration = await LoadForChangeAsync(db, actor, integrationId, ct);
        var mapping = await db.UserMappings.FirstOrDefaultAsync(m => m.Id == mappingId && m.IntegrationId == integrationId, ct)
            ?? throw new PortalNotFoundException($"User mapping {mappingId}");
        db.UserMappings.Remove(mapping);
        audit.Record(db, actor, integration.CompanyId, Entity, integrationId, "UserMappingRemoved", $"Removed external user '{mapping.ExternalUserId}'");
        await db.SaveChangesAsync(ct);
        return await GetAsync(actor, integrationId, ct);
    }

    private static async Task<Integration> LoadForChangeAsync(PortalDbContext db, PortalActor actor, int id, CancellationToken ct)
    {
        var integration = await db.Integrations.AsNoTracking().FirstOrDefaultAsync(i => i.Id == id, ct);
        return integration is not null && actor.CanAccessCompany(integration.CompanyId)
            ? integration
            : throw new PortalNotFoundException($"Integration {id}");
    }

    private static IntegrationView ToView(Integration i) => new(
        i.Id,
        i.CompanyId,
        i.Company?.Name ?? "",
        i.Kind,
        i.Name,
        i.QueueUserName,
        i.HasCredentials,
        i.Company?.WebhookIntegrationId == i.Id,
        [.. i.CompanyMappings.OrderBy(m => m.ExternalCode, StringComparer.Ordinal)
            .Select(m => new CompanyMappingView(m.Id, m.ExternalCode, m.JakamoCompanyId, m.JakamoCompany?.Name ?? ""))],
        [.. i.UserMappings.OrderBy(m => m.ExternalUserId, StringComparer.Ordinal)
            .Select(m => new UserMappingView(m.Id, m.ExternalUserId, m.JakamoUserName))]);
}
