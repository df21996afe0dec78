using System.Net;
using System.Net.Http.Json;
using Jakamo.Portal.Core.Companies;
using Jakamo.Portal.Tests.Infrastructure;

namespace Jakamo.Portal.Tests.Api;

/// <summary>Sign-in over real HTTP: antiforgery, lockout and the one-time password of a new company admin.</summary>
public sealed class SignInTests(PortalAppFixture fixture) : IClassFixture<PortalAppFixture>
{
    private readonly PortalAppFactory _app = fixture.App;

    [Fact]
    public async Task SignIn_WithoutTheAntiforgeryToken_IsRefused()
    {
        var admin = await NewAdminAsync();
        using var session = new BrowserlessSession(_app.BaseAddress);

        var response = await session.PostFormAsync("account/login", "login",
            new Dictionary<string, string> { ["Input.Email"] = admin.Email, ["Input.Password"] = admin.OneTimePassword }, withAntiforgery: false);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain(session.Cookies.GetCookies(_app.BaseAddress), c => c.Name == "jakamo.portal");
    }

    [Fact]
    public async Task NewAdmin_MustChangeTheOneTimePassword_BeforeUsingThePortal()
    {
        var admin = await NewAdminAsync();
        using var session = new BrowserlessSession(_app.BaseAddress);

        var signIn = await session.SignInAsync(admin.Email, admin.OneTimePassword);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.StartsWith("/account/change-password", signIn.Headers.Location!.PathAndQuery(_app.BaseAddress), StringComparison.Ordinal);

        var webhooks = await session.Client.GetAsync(new Uri("webhooks", UriKind.Relative));
        Assert.Equal("/account/change-password", webhooks.Headers.Location?.OriginalString);

        var changed = await session.PostFormAsync("account/change-password", "change-password", new Dictionary<string, string>
        {
            ["Input.CurrentPassword"] = admin.OneTimePassword,
            ["Input.NewPassword"] = "My-own-Password-2026",
            ["Input.ConfirmPassword"] = "My-own-Password-2026",
        });
        Assert.Equal(HttpStatusCode.Redirect, changed.StatusCode);

        var page = await session.Client.GetAsync(new Uri("webhooks", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);

        using var again = new BrowserlessSession(_app.BaseAddress);
        var withOldPassword = await again.SignInAsync(admin.Email, admin.OneTimePassword);
        Assert.Equal(HttpStatusCode.OK, withOldPassword.StatusCode);
        Assert.Contains("The e-mail or password is wrong.", await withOldPassword.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Account_IsLockedOut_AfterFiveFailedSignIns()
    {
        var admin = await NewAdminAsync();
        using var session = new BrowserlessSession(_app.BaseAddress);

        for (var attempt = 0; attempt < 5; attempt++)
        {
            var wrong = await session.SignInAsync(admin.Email, "not-the-password");
            Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
        }

        var right = await session.SignInAsync(admin.Email, admin.OneTimePassword);
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.Contains("locked", await right.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(session.Cookies.GetCookies(_app.BaseAddress), c => c.Name == "jakamo.portal");
    }

    [Fact]
    public async Task SignOut_WithoutTheAntiforgeryToken_IsRefused()
    {
        using var session = new BrowserlessSession(_app.BaseAddress);

        var response = await session.Client.PostAsync(new Uri("account/logout", UriKind.Relative), new FormUrlEncodedContent([]));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    private async Task<CreatedAdmin> NewAdminAsync()
    {
        using var support = _app.NewClient(PortalAppFactory.SupportToken);
        var company = await (await support.PostAsJsonAsync("api/companies", new { name = $"Company {Guid.NewGuid():n}" })).Content.ReadFromJsonAsync<CompanyView>();
        var response = await support.PostAsJsonAsync($"api/companies/{company!.Id}/admins", new { email = $"admin-{Guid.NewGuid():n}@example.com" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<CreatedAdmin>())!;
    }
}
