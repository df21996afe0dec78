using Jakamo.Portal.Core.Companies;
using Jakamo.Portal.Core.Data;
using Jakamo.Portal.Core.Events;
using Jakamo.Portal.Core.Firewall;
using Jakamo.Portal.Core.Integrations;
using Jakamo.Portal.Core.Security;
using Jakamo.Portal.Core.Webhooks;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Jakamo.Portal.Core.Demo;

/// <summary>The demo tenants: a supplier with two SO and one ASN integration, and a buyer with one SO integration.</summary>
public static class DemoData
{
    public const string SupplierName = "Nordic Components Oy";
    public const string BuyerName = "Baltic Machinery AB";
    public const string SupplierSoProduction = "SO ERP production";
    public const string SupplierSoTest = "SO ERP test";
    public const string SupplierAsn = "ASN warehouse";
    public const string BuyerSo = "SO purchasing ERP";

    /// <summary>Seeds once: an existing supplier company means the demo data is already there.</summary>
    public const string DemoWebhookName = "Demo receiver (ERP)";

    /// <summary>The Basic password of the demo webhook; a demo secret, never shown once stored.</summary>
    public const string DemoReceiverPassword = "demo-receiver-pass";

    public static async Task SeedAsync(
        PortalDbContext db, IPasswordHasher<Integration> hasher, ISecretProtector secrets, Uri publicBaseUrl, TimeProvider time, CancellationToken ct)
    {
        if (await db.Companies.AnyAsync(c => c.Name == SupplierName, ct))
        {
            return;
        }

        var now = time.GetUtcNow().UtcDateTime;
        var supplier = new Company { Name = SupplierName, CreatedAt = now };
        var buyer = new Company { Name = BuyerName, CreatedAt = now };
        db.Companies.AddRange(supplier, buyer);
        await db.SaveChangesAsync(ct);

        var production = NewIntegration(supplier, IntegrationKind.SalesOrder, SupplierSoProduction, "nordic-so-prod", hasher, now);
        var test = NewIntegration(supplier, IntegrationKind.SalesOrder, SupplierSoTest, "nordic-so-test", hasher, now);
        var asn = NewIntegration(supplier, IntegrationKind.Asn, SupplierAsn, "nordic-asn", hasher, now);
        var buyerSo = NewIntegration(buyer, IntegrationKind.SalesOrder, BuyerSo, "baltic-so", hasher, now);
        production.CompanyMappings.Add(new CompanyMapping { ExternalCode = "BALTIC-001", JakamoCompanyId = buyer.Id });
        production.UserMappings.Add(new UserMapping { ExternalUserId = "ERP-USER-17", JakamoUserName = PortalInitializer.DemoLogins[0].Email });
        buyerSo.CompanyMappings.Add(new CompanyMapping { ExternalCode = "NORDIC-42", JakamoCompanyId = supplier.Id });
        db.Integrations.AddRange(production, test, asn, buyerSo);
        await db.SaveChangesAsync(ct);

        supplier.WebhookIntegrationId = production.Id;

        // A webhook to the portal's own demo receiver, so deliveries can be watched without a server of one's own.
        db.Webhooks.Add(new Webhook
        {
            CompanyId = supplier.Id,
            Name = DemoWebhookName,
            PayloadUrl = new Uri(publicBaseUrl, "demo/receiver/erp").ToString(),
            AuthMethod = WebhookAuthMethod.Basic,
            BasicUserName = "jakamo",
            BasicPasswordProtected = secrets.Protect(DemoReceiverPassword),
            EventSelection = EventSelection.Selected,
            EventTypes = [new WebhookEventType { EventTypeName = EventTypeCatalog.SoCreated }, new WebhookEventType { EventTypeName = EventTypeCatalog.AsnCreated }],
            RemoveFromQueueOnSuccess = true,
            Enabled = true,
            CreatedAt = now,
            UpdatedAt = now,
        });
        var host = FirewallHosts.NormalizeHost(publicBaseUrl.Host);
        if (!await db.FirewallOpenings.AnyAsync(f => f.Host == host, ct))
        {
            db.FirewallOpenings.Add(new FirewallOpening { Host = host, Note = "Demo receiver", CreatedAt = now, CreatedBy = "demo" });
        }

        await db.SaveChangesAsync(ct);
    }

    /// <summary>Demo queue passwords follow one pattern so the README can show curl examples.</summary>
    public static string QueuePassword(string userName) => $"{userName}-queue-pass";

    private static Integration NewIntegration(
        Company company, IntegrationKind kind, string name, string userName, IPasswordHasher<Integration> hasher, DateTime now)
    {
        var integration = new Integration { CompanyId = company.Id, Kind = kind, Name = name, QueueUserName = userName, CreatedAt = now };
        integration.QueuePasswordHash = hasher.HashPassword(integration, QueuePassword(userName));
        return integration;
    }
}
