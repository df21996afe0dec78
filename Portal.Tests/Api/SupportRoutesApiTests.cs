using System.Net;
using Jakamo.Portal.Tests.Infrastructure;

namespace Jakamo.Portal.Tests.Api;

/// <summary>Routes for Jakamo support only: a company admin's token is refused with 403 and changes nothing.</summary>
public sealed class SupportRoutesApiTests(PortalAppFixture fixture) : IClassFixture<PortalAppFixture>
{
    private readonly PortalAppFactory _app = fixture.App;

    [Theory]
    [InlineData("POST", "api/companies", """{"name":"Admin's own company"}""")]
    [InlineData("POST", "api/companies/{companyId}/admins", """{"email":"second-admin@example.com"}""")]
    [InlineData("POST", "api/integrations", """{"companyId":{companyId},"kind":"SalesOrder","name":"Sneaky SO"}""")]
    [InlineData("PUT", "api/integrations/{integrationId}/credentials", """{"userName":"sneaky","password":"long-enough-password"}""")]
    [InlineData("PUT", "api/integrations/{integrationId}/webhook-integration", """{"designated":true}""")]
    [InlineData("GET", "api/firewall-openings", null)]
    [InlineData("POST", "api/firewall-openings", """{"host":"erp.example.com"}""")]
    [InlineData("DELETE", "api/firewall-openings/{openingId}", null)]
    public async Task SupportRoute_AnswersForbidden_ForACompanyAdmin(string method, string pathTemplate, string? jsonTemplate)
    {
        var tenant = await _app.NewTenantAsync();
        using var support = _app.NewClient(PortalAppFactory.SupportToken);
        var opening = await support.SendJsonAsync(
            HttpMethod.Post, "api/firewall-openings", new { host = $"{Guid.NewGuid():n}.example.com" }, HttpStatusCode.Created);
        string Fill(string template) => template
            .Replace("{companyId}", $"{tenant.CompanyId}", StringComparison.Ordinal)
            .Replace("{integrationId}", $"{tenant.IntegrationId}", StringComparison.Ordinal)
            .Replace("{openingId}", $"{opening.Id()}", StringComparison.Ordinal);
        var before = await SnapshotAsync(support);
        using var admin = _app.NewClient(tenant.AdminToken);

        using var response = jsonTemplate is null
            ? await admin.SendAsync(new HttpMethod(method), Fill(pathTemplate))
            : await admin.SendRawJsonAsync(new HttpMethod(method), Fill(pathTemplate), Fill(jsonTemplate));

        await response.AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal(before, await SnapshotAsync(support));
    }

    [Fact]
    public async Task SupportRoutes_AreOpen_ToTheSupportToken()
    {
        using var support = _app.NewClient(PortalAppFactory.SupportToken);
        var host = $"{Guid.NewGuid():n}.example.com";

        var opening = await support.SendJsonAsync(HttpMethod.Post, "api/firewall-openings", new { host = $"https://{host.ToUpperInvariant()}/path" }, HttpStatusCode.Created);
        Assert.Equal(host, opening.GetProperty("host").GetString());
        var list = await support.SendJsonAsync(HttpMethod.Get, "api/firewall-openings", null, HttpStatusCode.OK);
        Assert.Contains(list.EnumerateArray(), o => o.GetProperty("host").GetString() == host);

        await support.SendJsonAsync(HttpMethod.Delete, $"api/firewall-openings/{opening.Id()}", null, HttpStatusCode.NoContent);
        list = await support.SendJsonAsync(HttpMethod.Get, "api/firewall-openings", null, HttpStatusCode.OK);
        Assert.DoesNotContain(list.EnumerateArray(), o => o.GetProperty("host").GetString() == host);
    }

    [Fact]
    public async Task Credentials_SetBySupport_AreNeverReturned()
    {
        var tenant = await _app.NewTenantAsync();
        using var support = _app.NewClient(PortalAppFactory.SupportToken);

        using var response = await support.SendAsync(
            HttpMethod.Put, $"api/integrations/{tenant.IntegrationId}/credentials", new { userName = $"erp-{tenant.CompanyId}", password = "queue-password-never-shown" });

        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("queue-password-never-shown", text, StringComparison.Ordinal);
        using var admin = _app.NewClient(tenant.AdminToken);
        var seen = await admin.SendJsonAsync(HttpMethod.Get, $"api/integrations/{tenant.IntegrationId}", null, HttpStatusCode.OK);
        Assert.True(seen.GetProperty("hasCredentials").GetBoolean());
        Assert.Equal($"erp-{tenant.CompanyId}", seen.GetProperty("queueUserName").GetString());
        Assert.DoesNotContain("queue-password-never-shown", seen.ToString(), StringComparison.Ordinal);
    }

    /// <summary>Everything support can list: a forbidden call must leave all of it as it was.</summary>
    private static async Task<string> SnapshotAsync(HttpClient support)
    {
        var companies = await support.SendJsonAsync(HttpMethod.Get, "api/companies", null, HttpStatusCode.OK);
        var integrations = await support.SendJsonAsync(HttpMethod.Get, "api/integrations", null, HttpStatusCode.OK);
        var openings = await support.SendJsonAsync(HttpMethod.Get, "api/firewall-openings", null, HttpStatusCode.OK);
        return $"{companies}\n{integrations}\n{openings}";
    }
}
