using Jakamo.Portal.Core.Auditing;
using Jakamo.Portal.Core.Common;
using Jakamo.Portal.Core.Data;
using Jakamo.Portal.Core.Events;
using Jakamo.Portal.Core.Firewall;
using Jakamo.Portal.Core.Integrations;
using Jakamo.Portal.Core.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Jakamo.Portal.Core.Webhooks;

/// <summary>Creates, changes and deletes webhooks, enforcing every rule of the webhook form.</summary>
public sealed class WebhookService(
    IDbContextFactory<PortalDbContext> dbFactory,
    ISecretProtector secrets,
    AuditTrail audit,
    TimeProvider time,
    IOptions<WebhookOptions> options)
{
    private const string Entity = "Webhook";

    public async Task<IReadOnlyList<WebhookView>> ListAsync(PortalActor actor, int? companyId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.Webhooks.AsNoTracking();
        if (!actor.IsSupport)
        {
            query = query.Where(w => w.CompanyId == actor.CompanyId);
        }
        else if (companyId is { } company)
        {
            query = query.Where(w => w.CompanyId == company);
        }

        var webhooks = await query.Include(w => w.EventTypes).Include(w => w.Company).Include(w => w.Integration)
            .OrderBy(w => w.CompanyId).ThenBy(w => w.Name).AsSplitQuery().ToListAsync(ct);
        var opened = await FirewallHosts.LoadAsync(db, ct);
        return [.. webhooks.Select(w => ToView(w, opened))];
    }

    public async Task<WebhookView> GetAsync(PortalActor actor, int id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var webhook = await LoadAsync(db, actor, id, tracking: false, ct);
        return ToView(webhook, await FirewallHosts.LoadAsync(db, ct));
    }

    public async Task<WebhookFormOptions> GetFormOptionsAsync(PortalActor actor, int companyId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var company = await LoadCompanyAsync(db, actor, companyId, ct);
        var canCreate = await db.Integrations.AnyAsync(
            i => i.CompanyId == companyId && (i.Kind == IntegrationKind.SalesOrder || i.Kind == IntegrationKind.Asn), ct);
        var designated = company.WebhookIntegrationId is { } designatedId
            ? await db.Integrations.Where(i => i.Id == designatedId).Select(i => new IntegrationChoice(i.Id, i.Name)).FirstAsync(ct)
            : null;
        return new WebhookFormOptions(company.Id, company.Name, canCreate, designated, EventTypeCatalog.All, options.Value.AllowHttp);
    }

    public async Task<WebhookSaveResult> CreateAsync(PortalActor actor, WebhookInput input, CancellationToken ct = default)
    {
        var companyId = actor.IsSupport
            ? input.CompanyId ?? throw new PortalValidationException(nameof(WebhookInput.CompanyId), "Choose the company the webhook belongs to.")
            : actor.CompanyId ?? throw new PortalForbiddenException("Your user does not belong to a company.");

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var company = await LoadCompanyAsync(db, actor, companyId, ct);
        var hasIntegration = await db.Integrations.AnyAsync(
            i => i.CompanyId == companyId && (i.Kind == IntegrationKind.SalesOrder || i.Kind == IntegrationKind.Asn), ct);
        if (!hasIntegration)
        {
            throw new PortalConflictException(
                "Webhooks can be used only with a Sales Order or ASN integration. Ask Jakamo support to set one up first.");
        }

        var now = time.GetUtcNow().UtcDateTime;
        var webhook = new Webhook { CompanyId = companyId, Name = "", PayloadUrl = "", CreatedAt = now };
        var newSecret = await ApplyAsync(db, company.WebhookIntegrationId, webhook, input, isNew: true, ct);
        webhook.UpdatedAt = now;
        db.Webhooks.Add(webhook);

        await db.InTransactionAsync(async cancel =>
        {
            await SaveAsync(db, webhook, cancel);
            audit.Record(db, actor, companyId, Entity, webhook.Id, "Created", $"Created webhook '{webhook.Name}' → {webhook.PayloadUrl}");
            return await db.SaveChangesAsync(cancel);
        }, ct);

        return new WebhookSaveResult(await GetAsync(actor, webhook.Id, ct), newSecret);
    }

    public async Task<WebhookSaveResult> UpdateAsync(PortalActor actor, int id, WebhookInput input, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var webhook = await LoadAsync(db, actor, id, tracking: true, ct);
        var company = await db.Companies.AsNoTracking().FirstAsync(c => c.Id == webhook.CompanyId, ct);
        var newSecret = await ApplyAsync(db, company.WebhookIntegrationId, webhook, input, isNew: false, ct);
        webhook.UpdatedAt = time.GetUtcNow().UtcDateTime;
        audit.Record(db, actor, webhook.CompanyId, Entity, webhook.Id, "Updated", $"Updated webhook '{webhook.Name}' → {webhook.PayloadUrl}");
        await SaveAsync(db, webhook, ct);
        return new WebhookSaveResult(await GetAsync(actor, webhook.Id, ct), newSecret);
    }

    public async Task DeleteAsync(PortalActor actor, int id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var webhook = await LoadAsync(db, actor, id, tracking: true, ct);
        if (webhook.HasSentMessages)
        {
            throw new PortalConflictException(
                "This webhook has already sent messages, so it can't be deleted. Turn off \"Webhook enabled\" to stop it instead.");
        }

        db.Webhooks.Remove(webhook);
        audit.Record(db, actor, webhook.CompanyId, Entity, webhook.Id, "Deleted", $"Deleted webhook '{webhook.Name}'");
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Validates <paramref name="input"/> against every form rule and copies it onto <paramref name="webhook"/>.</summary>
    private async Task<string?> ApplyAsync(
        PortalDbContext db, int? designatedIntegrationId, Webhook webhook, WebhookInput input, bool isNew, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var allowHttp = options.Value.AllowHttp;
        var name = input.Name?.Trim();
        WebhookRules.ValidateName(name, errors);
        if (errors.IsEmpty)
        {
            if (await NameTakenAsync(db, webhook, name!, ct))
            {
                errors.Add(nameof(WebhookInput.Name), $"Your company already has a webhook named '{name}'.");
            }
        }

        var url = input.PayloadUrl?.Trim();
        WebhookRules.ValidateUrl(url, allowHttp, errors, nameof(WebhookInput.PayloadUrl), "Payload URL");
        ValidateAuthentication(webhook, input, allowHttp, errors);
        WebhookRules.ValidateEvents(input.EventSelection, input.EventTypes, errors);

        if (input.IntegrationId is { } integrationId
            && !WebhookRules.AllowedIntegrationIds(designatedIntegrationId, isNew ? null : webhook.IntegrationId).Contains(integrationId))
        {
            errors.Add(nameof(WebhookInput.IntegrationId), designatedIntegrationId is null
                ? "Your company has no designated webhook integration, so the webhook can't be tied to one."
                : "Only your company's designated webhook integration can be chosen.");
        }

        if (input.GenerateSigningSecret && input.RemoveSigningSecret)
        {
            errors.Add(nameof(WebhookInput.GenerateSigningSecret), "Choose either to generate or to remove the signing secret, not both.");
        }

        errors.ThrowIfAny();

        webhook.Name = name!;
        webhook.PayloadUrl = url!;
        webhook.IntegrationId = input.IntegrationId;
        webhook.RemoveFromQueueOnSuccess = input.RemoveFromQueueOnSuccess;
        webhook.DisableAutomaticRetry = input.DisableAutomaticRetry;
        webhook.Enabled = input.Enabled;
        webhook.EventSelection = input.EventSelection;
        ApplyAuthentication(webhook, input);
        ApplyEvents(webhook, input);

        if (input.RemoveSigningSecret)
        {
            webhook.SigningSecretProtected = null;
        }

        if (!input.GenerateSigningSecret)
        {
            return null;
        }

        var secret = SecretGenerator.NewSigningSecret();
        webhook.SigningSecretProtected = secrets.Protect(secret);
        return secret;
    }

    private static void ValidateAuthentication(Webhook existing, WebhookInput input, bool allowHttp, ValidationErrors errors)
    {
        if (!Enum.IsDefined(input.AuthMethod))
        {
            errors.Add(nameof(WebhookInput.AuthMethod), "Choose an authentication method.");
            return;
        }

        var sameMethod = existing.AuthMethod == input.AuthMethod;
        switch (input.AuthMethod)
        {
            case WebhookAuthMethod.OAuth2ClientCredentials:
                WebhookRules.ValidateUrl(input.OAuthTokenUrl?.Trim(), allowHttp, errors, nameof(WebhookInput.OAuthTokenUrl), "Token URL");
                RequireText(input.OAuthClientId, 200, nameof(WebhookInput.OAuthClientId), "Client id", errors);
                RequireSecret(input.OAuthClientSecret, sameMethod && existing.OAuthClientSecretProtected is not null,
                    nameof(WebhookInput.OAuthClientSecret), "Client secret", errors);
                if (input.OAuthScope is { Length: > 500 })
                {
                    errors.Add(nameof(WebhookInput.OAuthScope), "Scope can be at most 500 characters.");
                }

                break;
            case WebhookAuthMethod.Basic:
                RequireText(input.BasicUserName, 200, nameof(WebhookInput.BasicUserName), "User name", errors);
                if (input.BasicUserName?.Contains(':', StringComparison.Ordinal) == true)
                {
                    errors.Add(nameof(WebhookInput.BasicUserName), "User name can't contain a colon (:).");
                }

                RequireSecret(input.BasicPassword, sameMethod && existing.BasicPasswordProtected is not null,
                    nameof(WebhookInput.BasicPassword), "Password", errors);
                break;
            case WebhookAuthMethod.ApiKeyHeader:
                WebhookRules.ValidateHeaderName(input.ApiKeyHeaderName?.Trim(), errors);
                RequireSecret(input.ApiKeyValue, sameMethod && existing.ApiKeyValueProtected is not null,
                    nameof(WebhookInput.ApiKeyValue), "Header value", errors);
                break;
            case WebhookAuthMethod.None:
                break;
        }
    }

    private static void RequireText(string? value, int maxLength, string field, string label, ValidationErrors errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add(field, $"{label} is required.");
        }
        else if (value.Length > maxLength)
        {
            errors.Add(field, $"{label} can be at most {maxLength} characters.");
        }
    }

    private static void RequireSecret(string? value, bool alreadySet, string field, string label, ValidationErrors errors)
    {
        if (string.IsNullOrEmpty(value))
        {
            if (!alreadySet)
            {
                errors.Add(field, $"{label} is required.");
            }
        }
        else if (value.Length > WebhookRules.SecretMaxLength)
        {
            errors.Add(field, $"{label} can be at most {WebhookRules.SecretMaxLength} characters.");
        }
        else if (value.Any(c => c is '\r' or '\n'))
        {
            errors.Add(field, $"{label} can't contain line breaks.");
        }
    }

    private void ApplyAuthentication(Webhook webhook, WebhookInput input)
    {
        var method = input.AuthMethod;
        string? Keep(string? newValue, string? stored, bool forMethod) => !forMethod
            ? null
            : string.IsNullOrEmpty(newValue) ? (webhook.AuthMethod == method ? stored : null) : secrets.Protect(newValue);

        var oauth = method == WebhookAuthMethod.OAuth2ClientCredentials;
        var basic = method == WebhookAuthMethod.Basic;
        var apiKey = method == WebhookAuthMethod.ApiKeyHeader;
        webhook.OAuthClientSecretProtected = Keep(input.OAuthClientSecret, webhook.OAuthClientSecretProtected, oauth);
        webhook.BasicPasswordProtected = Keep(input.BasicPassword, webhook.BasicPasswordProtected, basic);
        webhook.ApiKeyValueProtected = Keep(input.ApiKeyValue, webhook.ApiKeyValueProtected, apiKey);
        webhook.OAuthTokenUrl = oauth ? input.OAuthTokenUrl?.Trim() : null;
        webhook.OAuthClientId = oauth ? input.OAuthClientId?.Trim() : null;
        webhook.OAuthScope = oauth && !string.IsNullOrWhiteSpace(input.OAuthScope) ? input.OAuthScope.Trim() : null;
        webhook.BasicUserName = basic ? input.BasicUserName?.Trim() : null;
        webhook.ApiKeyHeaderName = apiKey ? input.ApiKeyHeaderName?.Trim() : null;
        webhook.AuthMethod = method;
    }

    private static void ApplyEvents(Webhook webhook, WebhookInput input)
    {
        var wanted = input.EventSelection == EventSelection.All
            ? new HashSet<string>(StringComparer.Ordinal)
            : input.EventTypes.ToHashSet(StringComparer.Ordinal);
        webhook.EventTypes.RemoveAll(e => !wanted.Contains(e.EventTypeName));
        foreach (var name in wanted.Where(n => webhook.EventTypes.All(e => e.EventTypeName != n)))
        {
            webhook.EventTypes.Add(new WebhookEventType { EventTypeName = name });
        }
    }

    /// <summary>Names are unique within a company, whatever their case, on every provider.</summary>
    private static Task<bool> NameTakenAsync(PortalDbContext db, Webhook webhook, string name, CancellationToken ct)
    {
        var lower = name.ToLowerInvariant();
        return db.Webhooks.AnyAsync(w => w.CompanyId == webhook.CompanyId && w.Id != webhook.Id && w.Name.ToLower() == lower, ct);
    }

    private static async Task SaveAsync(PortalDbContext db, Webhook webhook, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Two saves raced past the uniqueness check and the index caught the second.
            if (await NameTakenAsync(db, webhook, webhook.Name, ct))
            {
                throw new PortalValidationException(nameof(WebhookInput.Name), $"Your company already has a webhook named '{webhook.Name}'.");
            }

            throw;
        }
    }

    private static async Task<Webhook> LoadAsync(PortalDbContext db, PortalActor actor, int id, bool tracking, CancellationToken ct)
    {
        var query = tracking ? db.Webhooks : db.Webhooks.AsNoTracking();
        var webhook = await query.Include(w => w.EventTypes).Include(w => w.Company).Include(w => w.Integration)
            .FirstOrDefaultAsync(w => w.Id == id, ct);
        return webhook is not null && actor.CanAccessCompany(webhook.CompanyId)
            ? webhook
            : throw new PortalNotFoundException($"Webhook {id}");
    }

    private static async Task<Companies.Company> LoadCompanyAsync(PortalDbContext db, PortalActor actor, int companyId, CancellationToken ct)
    {
        var company = actor.CanAccessCompany(companyId)
            ? await db.Companies.AsNoTracking().FirstOrDefaultAsync(c => c.Id == companyId, ct)
            : null;
        return company ?? throw new PortalNotFoundException($"Company {companyId}");
    }

    private static WebhookView ToView(Webhook w, FirewallHosts opened) => new()
    {
        Id = w.Id,
        CompanyId = w.CompanyId,
        CompanyName = w.Company?.Name ?? "",
        Name = w.Name,
        PayloadUrl = w.PayloadUrl,
        AuthMethod = w.AuthMethod,
        OAuthTokenUrl = w.OAuthTokenUrl,
        OAuthClientId = w.OAuthClientId,
        OAuthClientSecretSet = w.OAuthClientSecretProtected is not null,
        OAuthScope = w.OAuthScope,
        BasicUserName = w.BasicUserName,
        BasicPasswordSet = w.BasicPasswordProtected is not null,
        ApiKeyHeaderName = w.ApiKeyHeaderName,
        ApiKeyValueSet = w.ApiKeyValueProtected is not null,
        SigningSecretSet = w.SigningSecretProtected is not null,
        IntegrationId = w.IntegrationId,
        IntegrationName = w.Integration?.Name,
        IntegrationIsDesignated = w.IntegrationId is not null && w.Company?.WebhookIntegrationId == w.IntegrationId,
        RemoveFromQueueOnSuccess = w.RemoveFromQueueOnSuccess,
        DisableAutomaticRetry = w.DisableAutomaticRetry,
        EventSelection = w.EventSelection,
        EventTypes = [.. w.EventTypes.Select(e => e.EventTypeName).Order(StringComparer.Ordinal)],
        Enabled = w.Enabled,
        FirewallStatus = opened.IsOpened(w.PayloadUrl) ? FirewallStatus.Opened : FirewallStatus.WaitingForSupport,
        HasSentMessages = w.HasSentMessages,
        CreatedAt = w.CreatedAt,
        UpdatedAt = w.UpdatedAt,
    };
}
