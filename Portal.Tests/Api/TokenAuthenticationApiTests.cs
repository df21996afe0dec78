using System.Net;
using System.Net.Http.Headers;
using Jakamo.Portal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Jakamo.Portal.Tests.Api;

/// <summary>Personal bearer tokens: only a live token of an existing user gets in.</summary>
public sealed class TokenAuthenticationApiTests(PortalAppFixture fixture) : IClassFixture<PortalAppFixture>
{
    private readonly PortalAppFactory _app = fixture.App;

    [Fact]
    public async Task RevokedToken_AnswersUnauthorized()
    {
        var tenant = await _app.NewTenantAsync();
        using var client = _app.NewClient(tenant.AdminToken);
        await client.SendJsonAsync(HttpMethod.Get, "api/webhooks", null, HttpStatusCode.OK);

        await client.SendJsonAsync(HttpMethod.Delete, $"api/tokens/{tenant.AdminTokenId}", null, HttpStatusCode.NoContent);

        using var response = await client.SendAsync(HttpMethod.Get, "api/webhooks");
        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
    }

    [Fact]
    public async Task BearerRequests_AreAnswered_WhileTheTokensUserMustStillChangeTheirPassword()
    {
        var tenant = await _app.NewTenantAsync();
        await using (var db = await _app.NewDbAsync())
        {
            Assert.True(await db.Users.Where(u => u.Id == tenant.AdminUserId).Select(u => u.MustChangePassword).SingleAsync());
        }

        using var client = _app.NewClient(tenant.AdminToken);

        using var api = await client.SendAsync(HttpMethod.Get, "api/webhooks");
        Assert.Equal(HttpStatusCode.OK, api.StatusCode);
        Assert.Equal("application/json", api.Content.Headers.ContentType?.MediaType);

        // The password gate is for people signing in with the one-time password (SignInTests covers it); a program
        // holding a token is not sent to a password form.
        using var page = await client.SendAsync(HttpMethod.Get, "");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
    }

    [Fact]
    public async Task Revoke_AnswersNotFound_ForAnotherUsersToken_AndLeavesItWorking()
    {
        var (a, b) = (await _app.NewTenantAsync(), await _app.NewTenantAsync());
        using var clientA = _app.NewClient(a.AdminToken);

        using var response = await clientA.SendAsync(HttpMethod.Delete, $"api/tokens/{b.AdminTokenId}");

        await response.AssertProblemAsync(HttpStatusCode.NotFound);
        using var clientB = _app.NewClient(b.AdminToken);
        await clientB.SendJsonAsync(HttpMethod.Get, "api/webhooks", null, HttpStatusCode.OK);
    }

    [Fact]
    public async Task Tokens_ListsOnlyTheCallersOwnTokens_WithoutTheirPlainText()
    {
        var a = await _app.NewTenantAsync();
        await _app.NewTenantAsync();
        using var clientA = _app.NewClient(a.AdminToken);

        using var response = await clientA.SendAsync(HttpMethod.Get, "api/tokens");

        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain(a.AdminToken, text, StringComparison.Ordinal);
        var tokens = System.Text.Json.JsonDocument.Parse(text).RootElement;
        Assert.Equal(a.AdminTokenId, Assert.Single(tokens.EnumerateArray()).Id());
    }

    [Theory]
    [InlineData("jkp_this-token-was-never-issued-0123456789")]
    [InlineData("not-a-portal-token")]
    [InlineData("jkp_test-bootstrap-support-token-0123456789x")]
    public async Task UnknownBearerToken_AnswersUnauthorized(string token)
    {
        using var client = _app.NewClient(token);

        using var response = await client.SendAsync(HttpMethod.Get, "api/webhooks");

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task EmptyBearerToken_AnswersUnauthorized()
    {
        using var client = _app.NewClient();
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "Bearer ");

        using var response = await client.SendAsync(HttpMethod.Get, "api/webhooks");

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("GET", "api/webhooks")]
    [InlineData("POST", "api/webhooks")]
    [InlineData("GET", "api/integrations")]
    [InlineData("GET", "api/companies")]
    [InlineData("GET", "api/tokens")]
    [InlineData("GET", "api/firewall-openings")]
    public async Task Anonymous_AnswersUnauthorized_WithoutARedirect(string method, string path)
    {
        using var client = _app.NewClient();

        using var response = method == "POST"
            ? await client.SendAsync(HttpMethod.Post, path, ApiTenants.WebhookBody())
            : await client.SendAsync(new HttpMethod(method), path);

        var problem = await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Null(response.Headers.Location);
        Assert.Contains("Authorization: Bearer", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BasicCredentials_AreNotAcceptedOnTheManagementApi()
    {
        var tenant = await _app.NewTenantAsync();
        using var client = _app.NewClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{tenant.AdminEmail}:{tenant.AdminToken}")));

        using var response = await client.SendAsync(HttpMethod.Get, "api/webhooks");

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }
}
