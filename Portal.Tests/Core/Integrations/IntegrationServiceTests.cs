using Jakamo.Portal.Core.Common;
using Jakamo.Portal.Core.Integrations;
using Jakamo.Portal.Tests.Builders;
using Jakamo.Portal.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Jakamo.Portal.Tests.Core.Integrations;

public sealed class IntegrationServiceTests : IAsyncLifetime
{
    private CoreServices _services = default!;

    private IntegrationService Integrations => _services.Get<IntegrationService>();

    public async Task InitializeAsync() => _services = await CoreServices.CreateAsync();

    public async Task DisposeAsync() => await _services.DisposeAsync();

    [Fact]
    public async Task Designation_IsOnlyForSalesOrderIntegrations()
    {
        await using var db = _services.NewDb();
        var company = await TestData.CompanyAsync(db);
        var asn = await TestData.IntegrationAsync(db, company.Id, IntegrationKind.Asn);

        var error = await Assert.ThrowsAsync<PortalValidationException>(() => Integrations.SetWebhookIntegrationAsync(TestData.Support, asn.Id, true));
        Assert.Contains("Only a Sales Order integration", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Designation_IsAtMostOnePerCompany_AndMovesWhenAnotherIsDesignated()
    {
        await using var db = _services.NewDb();
        var company = await TestData.CompanyAsync(db);
        var first = await TestData.IntegrationAsync(db, company.Id);
        var second = await TestData.IntegrationAsync(db, company.Id);

        await Integrations.SetWebhookIntegrationAsync(TestData.Support, first.Id, true);
        await Integrations.SetWebhookIntegrationAsync(TestData.Support, second.Id, true);

        var list = await Integrations.ListAsync(TestData.Support, company.Id);
        Assert.Equal([second.Id], list.Where(i => i.IsWebhookIntegration).Select(i => i.Id));
    }

    [Fact]
    public async Task Designation_CanBeCleared_AndClearingAnotherLeavesItAlone()
    {
        await using var db = _services.NewDb();
        var company = await TestData.CompanyAsync(db);
        var designated = await TestData.IntegrationAsync(db, company.Id);
        var other = await TestData.IntegrationAsync(db, company.Id);
        await Integrations.SetWebhookIntegrationAsync(TestData.Support, designated.Id, true);

        await Integrations.SetWebhookIntegrationAsync(TestData.Support, other.Id, false);
        Assert.True((await Integrations.GetAsync(TestData.Support, designated.Id)).IsWebhookIntegration);

        await Integrations.SetWebhookIntegrationAsync(TestData.Support, designated.Id, false);
        Assert.False((await Integrations.GetAsync(TestData.Support, designated.Id)).IsWebhookIntegration);
    }

    [Fact]
    public async Task OnlySupport_DesignatesCreatesAndSetsCredentials()
    {
        await using var db = _services.NewDb();
        var company = await TestData.CompanyAsync(db);
        var so = await TestData.IntegrationAsync(db, company.Id);
        var admin = TestData.AdminOf(company.Id);

        await Assert.ThrowsAsync<PortalForbiddenException>(() => Integrations.SetWebhookIntegrationAsync(admin, so.Id, true));
        await Assert.ThrowsAsync<PortalForbiddenException>(() => Integrations.CreateAsync(admin, new CreateIntegrationInput { CompanyId = company.Id, Name = "x" }));
        await Assert.ThrowsAsync<PortalForbiddenException>(() => Integrations.SetCredentialsAsync(admin, so.Id, new IntegrationCredentialsInput { UserName = "u", Password = "long-enough-password" }));
    }

    [Fact]
    public async Task QueuePassword_IsStoredHashed()
    {
        await using var db = _services.NewDb();
        var company = await TestData.CompanyAsync(db);
        var so = await TestData.IntegrationAsync(db, company.Id);

        var view = await Integrations.SetCredentialsAsync(TestData.Support, so.Id, new IntegrationCredentialsInput { UserName = "erp-client", Password = "queue-password-123" });

        Assert.True(view.HasCredentials);
        var stored = await db.Integrations.AsNoTracking().SingleAsync(i => i.Id == so.Id);
        Assert.DoesNotContain("queue-password-123", stored.QueuePasswordHash!, StringComparison.Ordinal);
        var hasher = _services.Get<IPasswordHasher<Integration>>();
        Assert.Equal(PasswordVerificationResult.Success, hasher.VerifyHashedPassword(stored, stored.QueuePasswordHash!, "queue-password-123"));
    }

    [Fact]
    public async Task Mappings_AreAddedAndRemoved_ByTheCompanyAdmin_ButNotByAnotherCompany()
    {
        await using var db = _services.NewDb();
        var company = await TestData.CompanyAsync(db);
        var partner = await TestData.CompanyAsync(db);
        var so = await TestData.IntegrationAsync(db, company.Id);
        var admin = TestData.AdminOf(company.Id);

        var withMapping = await Integrations.AddCompanyMappingAsync(admin, so.Id, new CompanyMappingInput { ExternalCode = "P-1", JakamoCompanyId = partner.Id });
        withMapping = await Integrations.AddUserMappingAsync(admin, so.Id, new UserMappingInput { ExternalUserId = "U-1", JakamoUserName = "anna@example.com" });
        Assert.Equal(partner.Name, Assert.Single(withMapping.CompanyMappings).JakamoCompanyName);
        Assert.Single(withMapping.UserMappings);

        await Assert.ThrowsAsync<PortalValidationException>(() => Integrations.AddCompanyMappingAsync(admin, so.Id, new CompanyMappingInput { ExternalCode = "P-1", JakamoCompanyId = partner.Id }));
        await Assert.ThrowsAsync<PortalNotFoundException>(() => Integrations.AddCompanyMappingAsync(TestData.AdminOf(partner.Id), so.Id, new CompanyMappingInput { ExternalCode = "P-2", JakamoCompanyId = partner.Id }));

        var removed = await Integrations.RemoveCompanyMappingAsync(admin, so.Id, withMapping.CompanyMappings[0].Id);
        Assert.Empty(removed.CompanyMappings);
    }
}
