using System.Net;
using Jakamo.Portal.Tests.Infrastructure;

namespace Jakamo.Portal.Tests.Api;

/// <summary>Security headers on every kind of answer, and the flags of the sign-in and antiforgery cookies.</summary>
public sealed class SecurityHeadersTests(PortalAppFixture fixture) : IClassFixture<PortalAppFixture>
{
    private readonly PortalAppFactory _app = fixture.App;

    [Theory]
    [InlineData("account/login")]
    [InlineData("api/companies")]
    [InlineData("favicon.svg")]
    [InlineData("_framework/blazor.web.js")]
    public async Task Answer_CarriesTheStrictPolicyAndTheOtherSecurityHeaders(string path)
    {
        using var client = _app.NewClient(PortalAppFactory.SupportToken);

        using var response = await client.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var csp = Header(response, "Content-Security-Policy");
        Assert.Matches(@"script-src 'self' 'nonce-[0-9A-F]{32}';", csp);
        Assert.Contains("default-src 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("object-src 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-eval", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Equal("strict-origin-when-cross-origin", Header(response, "Referrer-Policy"));
        Assert.Equal("DENY", Header(response, "X-Frame-Options"));
    }

    [Fact]
    public async Task ErrorAnswer_CarriesTheSecurityHeadersToo()
    {
        using var anonymous = _app.NewClient();

        using var response = await anonymous.GetAsync(new Uri("api/companies", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("frame-ancestors 'none'", Header(response, "Content-Security-Policy"), StringComparison.Ordinal);
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
    }

    [Fact]
    public async Task LoginPage_GivesItsImportMapTheNonceOfItsOwnPolicy()
    {
        using var client = _app.NewClient();

        using var response = await client.GetAsync(new Uri("account/login", UriKind.Relative));

        var nonce = System.Text.RegularExpressions.Regex.Match(Header(response, "Content-Security-Policy"), "'nonce-([^']+)'").Groups[1].Value;
        Assert.Contains($"<script type=\"importmap\" nonce=\"{nonce}\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ScalarPage_GetsThePolicyForThirdPartyPages()
    {
        using var client = _app.NewClient();

        using var response = await client.GetAsync(new Uri("scalar/", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var csp = Header(response, "Content-Security-Policy");
        Assert.Contains("script-src 'self' 'unsafe-inline'", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignIn_SetsHttpOnlySameSiteCookies_NotSecureOverPlainHttp()
    {
        var admin = await _app.NewTenantAsync();
        using var session = new BrowserlessSession(_app.BaseAddress);

        using var page = await session.Client.GetAsync(new Uri("account/login", UriKind.Relative));
        var antiforgery = Assert.Single(SetCookies(page), c => c.StartsWith(".AspNetCore.Antiforgery.", StringComparison.Ordinal));
        var signIn = await session.SignInAsync(admin.AdminEmail, admin.AdminPassword);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        var auth = Assert.Single(SetCookies(signIn), c => c.StartsWith("jakamo.portal=", StringComparison.Ordinal));

        Assert.Contains("; httponly", auth, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("; samesite=lax", auth, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("; httponly", antiforgery, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("; samesite=strict", antiforgery, StringComparison.OrdinalIgnoreCase);
        // SameAsRequest: the demo on http://localhost must keep working; over https the flag is set.
        Assert.DoesNotContain("; secure", auth, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("; secure", antiforgery, StringComparison.OrdinalIgnoreCase);
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(", ", values) : throw new Xunit.Sdk.XunitException($"No {name} header.");

    private static IEnumerable<string> SetCookies(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var values) ? values : [];
}
