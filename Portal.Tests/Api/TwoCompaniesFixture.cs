using System.Net;
using System.Text.Json;
using Jakamo.Portal.Core.Deliveries;
using Jakamo.Portal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Jakamo.Portal.Tests.Api;

/// <summary>What one company owns that a route, a filter or a hub call can name, and the texts found only in its data.</summary>
public sealed record CompanyRecords(
    ApiTenant Tenant,
    string Tag,
    string IntegrationName,
    int WebhookId,
    string WebhookName,
    string QueueUser,
    int CompanyMappingId,
    int UserMappingId,
    long EventId,
    long QueueMessageId,
    long DeliveryId,
    long AttemptId)
{
    public int CompanyId => Tenant.CompanyId;

    /// <summary>The name of a personal token the admin made, besides the test token.</summary>
    public string TokenName => TokenNameFor(Tag);

    public static string TokenNameFor(string tag) => $"token-{tag}";

    /// <summary>Texts that appear only in this company's data; no answer to another company may contain one.</summary>
    public IReadOnlyList<string> Markers => [Tenant.CompanyName, Tenant.AdminEmail, IntegrationName, Tag];
}

/// <summary>
/// One app shared by a test class, with two companies that each own one of everything a route can name: A, whose admin
/// probes, and B, whose data A must never reach. A's own data is there too, so an answer showing only A's data can be
/// told apart from an empty one.
/// </summary>
public sealed class TwoCompaniesFixture : IAsyncLifetime
{
    private const string QueuePassword = "queue-password-for-isolation";

    private static readonly TimeSpan DeliveryWait = TimeSpan.FromSeconds(20);

    private readonly DeliveryAppFixture _delivery = new();

    public PortalAppFactory App => _delivery.App;

    public CompanyRecords A { get; private set; } = default!;

    public CompanyRecords B { get; private set; } = default!;

    /// <summary>A firewall opening made by support, for the support-only routes that take one.</summary>
    public int FirewallOpeningId { get; private set; }

    /// <summary>A's admin, signed in through the login form past the one-time password, as a browser would be.</summary>
    public BrowserlessSession ACookie { get; private set; } = default!;

    public async Task InitializeAsync()
    {
        await _delivery.InitializeAsync();
        A = await NewCompanyAsync();
        B = await NewCompanyAsync();
        using var support = App.NewClient(PortalAppFactory.SupportToken);
        var opening = await support.SendJsonAsync(HttpMethod.Post, "api/firewall-openings", new { host = $"erp-{B.Tag}.example.com" }, HttpStatusCode.Created);
        FirewallOpeningId = opening.Id();
        ACookie = new BrowserlessSession(App.BaseAddress);
        await ACookie.SignInWithOwnPasswordAsync(A.Tenant.AdminEmail, A.Tenant.AdminPassword, "A-admins-own-Password-2026");
    }

    /// <summary>Where webhooks the probes create deliver: the fixture's receiver, which answers 200.</summary>
    public Uri ProbeReceiverUrl => _delivery.Receiver.Url("hooks/probe");

    public HttpClient NewQueueClient(CompanyRecords company) => App.NewQueueClient(company.QueueUser, QueuePassword);

    /// <summary>Publishes an event for <paramref name="company"/> and waits until it is delivered, so it changes no more.</summary>
    public async Task<(long EventId, long? QueueMessageId)> PublishAndDeliverAsync(ApiTenant company, string tag, bool queue = false)
    {
        var accepted = await _delivery.PublishAsync(company.IntegrationId, $"<Order><ID>{tag}</ID></Order>", reference: $"SO-{tag}", queue);
        var eventId = accepted.GetProperty("eventId").GetInt64();
        await Poll.UntilAsync(async () =>
        {
            await using var db = await App.NewDbAsync();
            return await db.Deliveries.AnyAsync(d => d.EventId == eventId && d.Status == DeliveryStatus.Succeeded);
        }, DeliveryWait, $"event {eventId} is delivered");
        return (eventId, accepted.TryGetProperty("queueMessageId", out var message) && message.ValueKind == JsonValueKind.Number ? message.GetInt64() : null);
    }

    /// <summary>Every row company B owns, and the firewall openings, as JSON: equal before and after means A changed nothing.</summary>
    public async Task<string> SnapshotOfBAsync()
    {
        await using var db = await App.NewDbAsync();
        var company = B.CompanyId;
        var integrations = await db.Integrations.AsNoTracking().Where(i => i.CompanyId == company).OrderBy(i => i.Id).ToListAsync();
        var integrationIds = integrations.Select(i => i.Id).ToList();
        var userIds = await db.Users.Where(u => u.CompanyId == company).Select(u => u.Id).ToListAsync();
        object[] rows =
        [
            await db.Companies.AsNoTracking().Where(c => c.Id == company).ToListAsync(),
            integrations,
            await db.CompanyMappings.AsNoTracking().Where(m => integrationIds.Contains(m.IntegrationId) || m.JakamoCompanyId == company).OrderBy(m => m.Id).ToListAsync(),
            await db.UserMappings.AsNoTracking().Where(m => integrationIds.Contains(m.IntegrationId)).OrderBy(m => m.Id).ToListAsync(),
            await db.Webhooks.AsNoTracking().Include(w => w.EventTypes).Where(w => w.CompanyId == company).OrderBy(w => w.Id).ToListAsync(),
            await db.Events.AsNoTracking().Where(e => e.CompanyId == company).OrderBy(e => e.Id).ToListAsync(),
            await db.QueueMessages.AsNoTracking().Where(m => integrationIds.Contains(m.IntegrationId)).OrderBy(m => m.Id).ToListAsync(),
            await db.Deliveries.AsNoTracking().Where(d => d.CompanyId == company).OrderBy(d => d.Id).ToListAsync(),
            await db.Attempts.AsNoTracking().Where(a => a.CompanyId == company).OrderBy(a => a.Id).ToListAsync(),
            await db.Users.AsNoTracking().Where(u => u.CompanyId == company).OrderBy(u => u.Id)
                .Select(u => new { u.Id, u.Email, u.PasswordHash, u.SecurityStamp, u.LockoutEnd, u.AccessFailedCount, u.MustChangePassword }).ToListAsync(),
            // Not LastUsedAt: B's own calls may move it.
            await db.ApiTokens.AsNoTracking().Where(t => userIds.Contains(t.UserId)).OrderBy(t => t.Id)
                .Select(t => new { t.Id, t.Name, t.TokenHash, t.RevokedAt }).ToListAsync(),
            await db.AuditEntries.CountAsync(e => e.CompanyId == company),
            await db.FirewallOpenings.AsNoTracking().OrderBy(o => o.Id).ToListAsync(),
        ];
        return JsonSerializer.Serialize(rows);
    }

    public async Task DisposeAsync()
    {
        ACookie?.Dispose();
        await _delivery.DisposeAsync();
    }

    private async Task<CompanyRecords> NewCompanyAsync()
    {
        var tag = Guid.NewGuid().ToString("n")[..12];
        var (tenant, _) = await _delivery.NewTenantWithWebhookAsync(name: $"Webhook {tag}");
        var queueUser = $"queue-{tag}";
        using var support = App.NewClient(PortalAppFactory.SupportToken);
        await support.SendJsonAsync(HttpMethod.Put, $"api/integrations/{tenant.IntegrationId}/credentials", new { userName = queueUser, password = QueuePassword }, HttpStatusCode.OK);

        using var admin = App.NewClient(tenant.AdminToken);
        await admin.SendJsonAsync(HttpMethod.Post, $"api/integrations/{tenant.IntegrationId}/company-mappings",
            new { externalCode = $"partner-{tag}", jakamoCompanyId = tenant.CompanyId }, HttpStatusCode.OK);
        var integration = await admin.SendJsonAsync(HttpMethod.Post, $"api/integrations/{tenant.IntegrationId}/user-mappings",
            new { externalUserId = $"user-{tag}", jakamoUserName = tenant.AdminEmail }, HttpStatusCode.OK);
        var webhook = (await admin.SendJsonAsync(HttpMethod.Get, "api/webhooks", null, HttpStatusCode.OK)).EnumerateArray().Single();
        await admin.SendJsonAsync(HttpMethod.Post, "api/tokens", new { name = CompanyRecords.TokenNameFor(tag) }, HttpStatusCode.Created);

        var (eventId, queueMessageId) = await PublishAndDeliverAsync(tenant, tag, queue: true);
        await using var db = await App.NewDbAsync();
        var delivery = await db.Deliveries.Where(d => d.EventId == eventId).Select(d => new { d.Id, AttemptId = d.Attempts.Select(a => a.Id).Single() }).SingleAsync();
        return new CompanyRecords(
            tenant, tag, integration.GetProperty("name").GetString()!, webhook.Id(), webhook.GetProperty("name").GetString()!, queueUser,
            integration.GetProperty("companyMappings")[0].Id(), integration.GetProperty("userMappings")[0].Id(),
            eventId, queueMessageId!.Value, delivery.Id, delivery.AttemptId);
    }
}
