using Jakamo.Portal.Core.Common;
using Jakamo.Portal.Core.Firewall;
using Jakamo.Portal.Core.Security;
using Jakamo.Portal.Core.Webhooks;
using Jakamo.Portal.Tests.Builders;
using Jakamo.Portal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Jakamo.Portal.Tests.Core.Security;

public sealed class FirewallAndTokenTests : IAsyncLifetime
{
    private CoreServices _services = default!;

    public async Task InitializeAsync() => _services = await CoreServices.CreateAsync();

    public async Task DisposeAsync() => await _services.DisposeAsync();

    [Fact]
    public async Task Webhook_WaitsForSupport_UntilItsHostIsOpened()
    {
        await using var db = _services.NewDb();
        var company = await TestData.CompanyAsync(db);
        await TestData.IntegrationAsync(db, company.Id);
        var webhooks = _services.Get<WebhookService>();
        var saved = await webhooks.CreateAsync(TestData.AdminOf(company.Id), TestData.Webhook(w => w.PayloadUrl = "https://ERP.Example.com:8443/hook"));
        Assert.Equal(FirewallStatus.WaitingForSupport, saved.Webhook.FirewallStatus);

        var firewall = _services.Get<FirewallService>();
        Assert.Contains("erp.example.com", await firewall.WaitingHostsAsync(TestData.Support));
        var opening = await firewall.AddAsync(TestData.Support, "https://erp.example.com/anything", "ERP of Nordic");

        Assert.Equal("erp.example.com", opening.Host);
        Assert.Equal(FirewallStatus.Opened, (await webhooks.GetAsync(TestData.Support, saved.Webhook.Id)).FirewallStatus);
        Assert.Empty(await firewall.WaitingHostsAsync(TestData.Support));
        Assert.Equal(1, (await firewall.ListAsync(TestData.Support)).Single().WebhookCount);

        await firewall.RemoveAsync(TestData.Support, opening.Id);
        Assert.Equal(FirewallStatus.WaitingForSupport, (await webhooks.GetAsync(TestData.Support, saved.Webhook.Id)).FirewallStatus);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not a host!")]
    public async Task FirewallOpening_RefusesWhatIsNotAHost(string host) =>
        await Assert.ThrowsAsync<PortalValidationException>(() => _services.Get<FirewallService>().AddAsync(TestData.Support, host, null));

    [Theory]
    [InlineData("erp.invalid", "erp.invalid can never be reached: names under .invalid never exist (RFC 6761); correct the host name.")]
    [InlineData("https://ERP7X.onion/hook", "erp7x.onion can never be reached: names under .onion are Tor onion services, which the portal cannot reach (RFC 7686).")]
    public async Task FirewallOpening_RefusesNamesThatCanNeverBeReached(string host, string expected)
    {
        var refused = await Assert.ThrowsAsync<PortalValidationException>(() => _services.Get<FirewallService>().AddAsync(TestData.Support, host, null));
        Assert.Equal([expected], refused.Errors["host"]);
    }

    [Fact]
    public async Task FirewallOpenings_AreForSupportOnly() =>
        await Assert.ThrowsAsync<PortalForbiddenException>(() => _services.Get<FirewallService>().AddAsync(TestData.AdminOf(1), "erp.example.com", null));

    [Fact]
    public async Task ApiToken_IsShownOnce_StoredHashed_AndStopsWorkingWhenRevoked()
    {
        var tokens = _services.Get<ApiTokenService>();
        var owner = new PortalActor("user-1", "anna@example.com", false, null);
        await using (var db = _services.NewDb())
        {
            db.Users.Add(new PortalUser { Id = "user-1", UserName = "anna@example.com" });
            await db.SaveChangesAsync();
        }

        var created = await tokens.CreateAsync(owner, "ERP automation");

        Assert.StartsWith("jkp_", created.PlainText, StringComparison.Ordinal);
        Assert.Equal("user-1", (await tokens.AuthenticateAsync(created.PlainText))?.UserId);
        Assert.DoesNotContain(created.PlainText, System.Text.Json.JsonSerializer.Serialize(await tokens.ListAsync(owner)), StringComparison.Ordinal);
        await using (var db = _services.NewDb())
        {
            Assert.False(await db.ApiTokens.AnyAsync(t => t.TokenHash.Contains(created.PlainText)));
        }

        await tokens.RevokeAsync(owner, created.Token.Id);
        Assert.Null(await tokens.AuthenticateAsync(created.PlainText));
        await Assert.ThrowsAsync<PortalNotFoundException>(() => tokens.RevokeAsync(new PortalActor("user-2", "x", false, null), created.Token.Id));
    }
}
