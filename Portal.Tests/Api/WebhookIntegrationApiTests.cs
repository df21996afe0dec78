using System.Net;
using Jakamo.Portal.Tests.Infrastructure;

namespace Jakamo.Portal.Tests.Api;

/// <summary>Support designates at most one SO integration per company as its webhook integration.</summary>
public sealed class WebhookIntegrationApiTests(PortalAppFixture fixture) : IClassFixture<PortalAppFixture>
{
    private readonly PortalAppFactory _app = fixture.App;

    [Theory]
    [InlineData("PurchaseOrder")]
    [InlineData("Asn")]
    public async Task Designate_AnswersBadRequest_ForANonSalesOrderIntegration(string kind)
    {
        var tenant = await _app.NewTenantAsync();
        using var support = _app.NewClient(PortalAppFactory.SupportToken);
        var other = await support.CreateIntegrationAsync(tenant.CompanyId, kind, $"{kind} feed");

        using var response = await support.SendAsync(HttpMethod.Put, $"api/integrations/{other}/webhook-integration", new { designated = true });

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(problem.FieldErrors("designated"), m => m.Contains("Sales Order", StringComparison.Ordinal));
        Assert.Empty(await DesignatedAsync(support, tenant.CompanyId));
    }

    [Fact]
    public async Task Designate_MakesTheSalesOrderIntegrationTheCompanysOnlyWebhookIntegration()
    {
        var tenant = await _app.NewTenantAsync();
        using var support = _app.NewClient(PortalAppFactory.SupportToken);

        var designated = await support.SendJsonAsync(
            HttpMethod.Put, $"api/integrations/{tenant.IntegrationId}/webhook-integration", new { designated = true }, HttpStatusCode.OK);

        Assert.True(designated.GetProperty("isWebhookIntegration").GetBoolean());
        Assert.Equal([tenant.IntegrationId], await DesignatedAsync(support, tenant.CompanyId));
        using var admin = _app.NewClient(tenant.AdminToken);
        var seenByAdmin = await admin.SendJsonAsync(HttpMethod.Get, "api/integrations", null, HttpStatusCode.OK);
        Assert.True(Assert.Single(seenByAdmin.EnumerateArray()).GetProperty("isWebhookIntegration").GetBoolean());
    }

    [Fact]
    public async Task Designate_MovesTheBadge_WhenASecondSalesOrderIntegrationIsDesignated()
    {
        var tenant = await _app.NewTenantAsync();
        using var support = _app.NewClient(PortalAppFactory.SupportToken);
        var second = await support.CreateIntegrationAsync(tenant.CompanyId, "SalesOrder", "SO second");
        await support.SendJsonAsync(HttpMethod.Put, $"api/integrations/{tenant.IntegrationId}/webhook-integration", new { designated = true }, HttpStatusCode.OK);

        await support.SendJsonAsync(HttpMethod.Put, $"api/integrations/{second}/webhook-integration", new { designated = true }, HttpStatusCode.OK);

        Assert.Equal([second], await DesignatedAsync(support, tenant.CompanyId));
        var first = await support.SendJsonAsync(HttpMethod.Get, $"api/integrations/{tenant.IntegrationId}", null, HttpStatusCode.OK);
        Assert.False(first.GetProperty("isWebhookIntegration").GetBoolean());
        var company = Assert.Single(
            (await support.SendJsonAsync(HttpMethod.Get, "api/companies", null, HttpStatusCode.OK)).EnumerateArray(),
            c => c.Id() == tenant.CompanyId);
        Assert.Equal("SO second", company.GetProperty("webhookIntegrationName").GetString());
    }

    [Fact]
    public async Task Designate_LeavesOtherCompanies_Untouched()
    {
        var (a, b) = (await _app.NewTenantAsync(), await _app.NewTenantAsync());
        using var support = _app.NewClient(PortalAppFactory.SupportToken);
        await support.SendJsonAsync(HttpMethod.Put, $"api/integrations/{a.IntegrationId}/webhook-integration", new { designated = true }, HttpStatusCode.OK);

        await support.SendJsonAsync(HttpMethod.Put, $"api/integrations/{b.IntegrationId}/webhook-integration", new { designated = true }, HttpStatusCode.OK);

        Assert.Equal([a.IntegrationId], await DesignatedAsync(support, a.CompanyId));
        Assert.Equal([b.IntegrationId], await DesignatedAsync(support, b.CompanyId));
    }

    [Fact]
    public async Task Clearing_RemovesTheDesignation_OnlyFromTheDesignatedIntegration()
    {
        var tenant = await _app.NewTenantAsync();
        using var support = _app.NewClient(PortalAppFactory.SupportToken);
        var second = await support.CreateIntegrationAsync(tenant.CompanyId, "SalesOrder", "SO second");
        await support.SendJsonAsync(HttpMethod.Put, $"api/integrations/{tenant.IntegrationId}/webhook-integration", new { designated = true }, HttpStatusCode.OK);

        await support.SendJsonAsync(HttpMethod.Put, $"api/integrations/{second}/webhook-integration", new { designated = false }, HttpStatusCode.OK);
        Assert.Equal([tenant.IntegrationId], await DesignatedAsync(support, tenant.CompanyId));

        await support.SendJsonAsync(HttpMethod.Put, $"api/integrations/{tenant.IntegrationId}/webhook-integration", new { designated = false }, HttpStatusCode.OK);
        Assert.Empty(await DesignatedAsync(support, tenant.CompanyId));
    }

    [Fact]
    public async Task Webhook_CanBeTiedOnlyToTheDesignatedIntegration()
    {
        var tenant = await _app.NewTenantAsync();
        using var support = _app.NewClient(PortalAppFactory.SupportToken);
        var undesignated = await support.CreateIntegrationAsync(tenant.CompanyId, "SalesOrder", "SO spare");
        await support.SendJsonAsync(HttpMethod.Put, $"api/integrations/{tenant.IntegrationId}/webhook-integration", new { designated = true }, HttpStatusCode.OK);
        using var admin = _app.NewClient(tenant.AdminToken);
        var body = ApiTenants.WebhookBody();
        body["integrationId"] = undesignated;

        using var refused = await admin.SendAsync(HttpMethod.Post, "api/webhooks", body);
        var problem = await refused.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.NotEmpty(problem.FieldErrors("integrationId"));

        body["integrationId"] = tenant.IntegrationId;
        var created = await admin.CreateWebhookAsync(body);
        var webhook = created.GetProperty("webhook");
        Assert.Equal(tenant.IntegrationId, webhook.GetProperty("integrationId").GetInt32());
        Assert.True(webhook.GetProperty("integrationIsDesignated").GetBoolean());
    }

    private static async Task<List<int>> DesignatedAsync(HttpClient support, int companyId)
    {
        var list = await support.SendJsonAsync(HttpMethod.Get, $"api/integrations?companyId={companyId}", null, HttpStatusCode.OK);
        Assert.All(list.EnumerateArray(), i => Assert.Equal(companyId, i.GetProperty("companyId").GetInt32()));
        return [.. list.EnumerateArray().Where(i => i.GetProperty("isWebhookIntegration").GetBoolean()).Select(i => i.Id())];
    }
}
