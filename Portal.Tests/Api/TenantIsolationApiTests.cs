using System.Net;
using System.Text.Json;
using Jakamo.Portal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Jakamo.Portal.Tests.Api;

/// <summary>A company admin never sees or changes another company's data, even with a guessed id.</summary>
public sealed class TenantIsolationApiTests(PortalAppFixture fixture) : IClassFixture<PortalAppFixture>
{
    private readonly PortalAppFactory _app = fixture.App;

    [Fact]
    public async Task WebhookOfAnotherCompany_AnswersNotFound_ForGetPutAndDelete()
    {
        var (a, b) = (await _app.NewTenantAsync(), await _app.NewTenantAsync());
        using var clientB = _app.NewClient(b.AdminToken);
        var bWebhook = (await clientB.CreateWebhookAsync(ApiTenants.WebhookBody("B's webhook"))).GetProperty("webhook").Id();
        using var clientA = _app.NewClient(a.AdminToken);

        using (var get = await clientA.SendAsync(HttpMethod.Get, $"api/webhooks/{bWebhook}"))
        {
            await get.AssertProblemAsync(HttpStatusCode.NotFound);
        }

        using (var put = await clientA.SendAsync(HttpMethod.Put, $"api/webhooks/{bWebhook}", ApiTenants.WebhookBody("Hijacked")))
        {
            await put.AssertProblemAsync(HttpStatusCode.NotFound);
        }

        using (var delete = await clientA.SendAsync(HttpMethod.Delete, $"api/webhooks/{bWebhook}"))
        {
            await delete.AssertProblemAsync(HttpStatusCode.NotFound);
        }

        var stillThere = await clientB.SendJsonAsync(HttpMethod.Get, $"api/webhooks/{bWebhook}", null, HttpStatusCode.OK);
        Assert.Equal("B's webhook", stillThere.GetProperty("name").GetString());
        Assert.Equal(0, await _app.CountWebhooksAsync(a.CompanyId));
    }

    [Fact]
    public async Task WebhookOfAnotherCompany_AnswersTheSameAsAMissingId()
    {
        var (a, b) = (await _app.NewTenantAsync(), await _app.NewTenantAsync());
        using var clientB = _app.NewClient(b.AdminToken);
        var bWebhook = (await clientB.CreateWebhookAsync()).GetProperty("webhook").Id();
        using var clientA = _app.NewClient(a.AdminToken);

        using var foreign = await clientA.SendAsync(HttpMethod.Get, $"api/webhooks/{bWebhook}");
        using var missing = await clientA.SendAsync(HttpMethod.Get, $"api/webhooks/{int.MaxValue}");

        var foreignProblem = await foreign.AssertProblemAsync(HttpStatusCode.NotFound);
        var missingProblem = await missing.AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(
            missingProblem.GetProperty("detail").GetString()!.Replace($"{int.MaxValue}", "#", StringComparison.Ordinal),
            foreignProblem.GetProperty("detail").GetString()!.Replace($"{bWebhook}", "#", StringComparison.Ordinal));
        Assert.DoesNotContain(b.CompanyName, await foreign.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task IntegrationOfAnotherCompany_AnswersNotFound_ForGetAndMappings()
    {
        var (a, b) = (await _app.NewTenantAsync(), await _app.NewTenantAsync());
        using var clientB = _app.NewClient(b.AdminToken);
        var withMappings = await clientB.SendJsonAsync(
            HttpMethod.Post, $"api/integrations/{b.IntegrationId}/company-mappings", new { externalCode = "B-PARTNER", jakamoCompanyId = b.CompanyId }, HttpStatusCode.OK);
        withMappings = await clientB.SendJsonAsync(
            HttpMethod.Post, $"api/integrations/{b.IntegrationId}/user-mappings", new { externalUserId = "b-ext", jakamoUserName = b.AdminEmail }, HttpStatusCode.OK);
        var companyMapping = withMappings.GetProperty("companyMappings")[0].Id();
        var userMapping = withMappings.GetProperty("userMappings")[0].Id();
        using var clientA = _app.NewClient(a.AdminToken);

        var attempts = new (HttpMethod Method, string Path, object? Body)[]
        {
            (HttpMethod.Get, $"api/integrations/{b.IntegrationId}", null),
            (HttpMethod.Post, $"api/integrations/{b.IntegrationId}/company-mappings", new { externalCode = "A-SNEAK", jakamoCompanyId = a.CompanyId }),
            (HttpMethod.Post, $"api/integrations/{b.IntegrationId}/user-mappings", new { externalUserId = "a-sneak", jakamoUserName = a.AdminEmail }),
            (HttpMethod.Delete, $"api/integrations/{b.IntegrationId}/company-mappings/{companyMapping}", null),
            (HttpMethod.Delete, $"api/integrations/{b.IntegrationId}/user-mappings/{userMapping}", null),
        };
        foreach (var (method, path, body) in attempts)
        {
            using var response = await clientA.SendAsync(method, path, body);
            var problem = await response.AssertProblemAsync(HttpStatusCode.NotFound);
            Assert.DoesNotContain(b.CompanyName, problem.ToString(), StringComparison.Ordinal);
        }

        var unchanged = await clientB.SendJsonAsync(HttpMethod.Get, $"api/integrations/{b.IntegrationId}", null, HttpStatusCode.OK);
        Assert.Equal(["B-PARTNER"], unchanged.GetProperty("companyMappings").EnumerateArray().Select(m => m.GetProperty("externalCode").GetString()));
        Assert.Equal(["b-ext"], unchanged.GetProperty("userMappings").EnumerateArray().Select(m => m.GetProperty("externalUserId").GetString()));
    }

    [Fact]
    public async Task MappingOfAnotherIntegration_AnswersNotFound_WhenDeletedThroughTheAdminsOwnIntegration()
    {
        var (a, b) = (await _app.NewTenantAsync(), await _app.NewTenantAsync());
        using var clientB = _app.NewClient(b.AdminToken);
        var withMapping = await clientB.SendJsonAsync(
            HttpMethod.Post, $"api/integrations/{b.IntegrationId}/company-mappings", new { externalCode = "B-ONLY", jakamoCompanyId = b.CompanyId }, HttpStatusCode.OK);
        var mapping = withMapping.GetProperty("companyMappings")[0].Id();
        using var clientA = _app.NewClient(a.AdminToken);

        using var response = await clientA.SendAsync(HttpMethod.Delete, $"api/integrations/{a.IntegrationId}/company-mappings/{mapping}");

        await response.AssertProblemAsync(HttpStatusCode.NotFound);
        var unchanged = await clientB.SendJsonAsync(HttpMethod.Get, $"api/integrations/{b.IntegrationId}", null, HttpStatusCode.OK);
        Assert.Single(unchanged.GetProperty("companyMappings").EnumerateArray());
    }

    [Fact]
    public async Task Lists_NeverContainAnotherCompanysData()
    {
        var (a, b) = (await _app.NewTenantAsync(), await _app.NewTenantAsync());
        using var clientB = _app.NewClient(b.AdminToken);
        await clientB.CreateWebhookAsync(ApiTenants.WebhookBody("B's secret project"));
        using var clientA = _app.NewClient(a.AdminToken);
        await clientA.CreateWebhookAsync(ApiTenants.WebhookBody("A's webhook"));

        // A company admin's list ignores a companyId filter that names another company.
        foreach (var path in new[] { "api/webhooks", $"api/webhooks?companyId={b.CompanyId}", "api/integrations", $"api/integrations?companyId={b.CompanyId}", "api/companies" })
        {
            using var response = await clientA.SendAsync(HttpMethod.Get, path);
            var text = await response.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.DoesNotContain("B's secret project", text, StringComparison.Ordinal);
            Assert.DoesNotContain(b.CompanyName, text, StringComparison.Ordinal);
            var items = JsonDocument.Parse(text).RootElement.EnumerateArray().ToList();
            Assert.NotEmpty(items);
            Assert.All(items, item => Assert.Equal(a.CompanyId, item.TryGetProperty("companyId", out var c) ? c.GetInt32() : item.Id()));
        }
    }

    [Fact]
    public async Task Create_StoresTheWebhookInTheAdminsCompany_WhenTheBodyNamesAnotherCompany()
    {
        var (a, b) = (await _app.NewTenantAsync(), await _app.NewTenantAsync());
        using var clientA = _app.NewClient(a.AdminToken);
        var body = ApiTenants.WebhookBody();
        body["companyId"] = b.CompanyId;

        var created = await clientA.CreateWebhookAsync(body);

        Assert.Equal(a.CompanyId, created.GetProperty("webhook").GetProperty("companyId").GetInt32());
        Assert.Equal(1, await _app.CountWebhooksAsync(a.CompanyId));
        Assert.Equal(0, await _app.CountWebhooksAsync(b.CompanyId));
    }

    [Fact]
    public async Task Update_KeepsTheWebhookInTheAdminsCompany_WhenTheBodyNamesAnotherCompany()
    {
        var (a, b) = (await _app.NewTenantAsync(), await _app.NewTenantAsync());
        using var clientA = _app.NewClient(a.AdminToken);
        var id = (await clientA.CreateWebhookAsync()).GetProperty("webhook").Id();
        var body = ApiTenants.WebhookBody();
        body["companyId"] = b.CompanyId;

        var saved = await clientA.SendJsonAsync(HttpMethod.Put, $"api/webhooks/{id}", body, HttpStatusCode.OK);

        Assert.Equal(a.CompanyId, saved.GetProperty("webhook").GetProperty("companyId").GetInt32());
        await using var db = await _app.NewDbAsync();
        Assert.Equal(a.CompanyId, await db.Webhooks.Where(w => w.Id == id).Select(w => w.CompanyId).SingleAsync());
    }

    [Fact]
    public async Task Create_RefusesAnotherCompanysIntegration_AsTheWebhookIntegration()
    {
        var (a, b) = (await _app.NewTenantAsync(), await _app.NewTenantAsync());
        using var support = _app.NewClient(PortalAppFactory.SupportToken);
        await support.SendJsonAsync(HttpMethod.Put, $"api/integrations/{b.IntegrationId}/webhook-integration", new { designated = true }, HttpStatusCode.OK);
        using var clientA = _app.NewClient(a.AdminToken);
        var body = ApiTenants.WebhookBody();
        body["integrationId"] = b.IntegrationId;

        using var response = await clientA.SendAsync(HttpMethod.Post, "api/webhooks", body);

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.NotEmpty(problem.FieldErrors("integrationId"));
        Assert.Equal(0, await _app.CountWebhooksAsync(a.CompanyId));
    }
}
