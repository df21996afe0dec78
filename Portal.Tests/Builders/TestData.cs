using Jakamo.Portal.Core.Companies;
using Jakamo.Portal.Core.Data;
using Jakamo.Portal.Core.Integrations;
using Jakamo.Portal.Core.Security;
using Jakamo.Portal.Core.Webhooks;

namespace Jakamo.Portal.Tests.Builders;

/// <summary>Small builders for test data, written straight to the database.</summary>
public static class TestData
{
    public static PortalActor Support { get; } = new("support-user", "support@test", IsSupport: true, CompanyId: null);

    public static PortalActor AdminOf(int companyId) => new($"admin-{companyId}", $"admin{companyId}@test", IsSupport: false, CompanyId: companyId);

    public static async Task<Company> CompanyAsync(PortalDbContext db, string? name = null)
    {
        var company = new Company { Name = name ?? $"Company {Guid.NewGuid():n}"[..20] };
        db.Companies.Add(company);
        await db.SaveChangesAsync();
        return company;
    }

    public static async Task<Integration> IntegrationAsync(PortalDbContext db, int companyId, IntegrationKind kind = IntegrationKind.SalesOrder, string? name = null)
    {
        var integration = new Integration { CompanyId = companyId, Kind = kind, Name = name ?? $"{kind} {Guid.NewGuid():n}"[..24] };
        db.Integrations.Add(integration);
        await db.SaveChangesAsync();
        return integration;
    }

    public static async Task DesignateAsync(PortalDbContext db, int companyId, int? integrationId)
    {
        var company = await db.Companies.FindAsync(companyId);
        company!.WebhookIntegrationId = integrationId;
        await db.SaveChangesAsync();
    }

    public static async Task MarkSentAsync(PortalDbContext db, int webhookId)
    {
        var webhook = await db.Webhooks.FindAsync(webhookId);
        webhook!.FirstMessageSentAt = new DateTime(2026, 11, 30, 12, 0, 0, DateTimeKind.Utc);
        await db.SaveChangesAsync();
    }

    /// <summary>A valid webhook input; tweak it with a <c>with</c>-style callback.</summary>
    public static WebhookInput Webhook(Action<WebhookInput>? change = null)
    {
        var input = new WebhookInput
        {
            Name = "ERP production",
            PayloadUrl = "https://erp.example.com/jakamo/webhook",
            AuthMethod = WebhookAuthMethod.Basic,
            BasicUserName = "jakamo",
            BasicPassword = "basic-secret-P4ss",
            EventSelection = EventSelection.Selected,
            EventTypes = ["so.created"],
            Enabled = true,
        };
        change?.Invoke(input);
        return input;
    }
}
