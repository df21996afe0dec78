using Jakamo.Portal.Core.Common;
using Jakamo.Portal.Core.Webhooks;
using Jakamo.Portal.Tests.Builders;

namespace Jakamo.Portal.Tests.Core.Webhooks;

/// <summary>A company admin never sees or changes another company's webhooks; support sees all.</summary>
public sealed class WebhookTenancyTests : WebhookServiceTestBase
{
    [Fact]
    public async Task AnotherCompanysAdmin_GetsNotFound_ForEveryOperation()
    {
        var saved = await Webhooks.CreateAsync(Admin, TestData.Webhook());
        await using var db = Services.NewDb();
        var other = await TestData.CompanyAsync(db, "Intruder");
        await TestData.IntegrationAsync(db, other.Id);
        var intruder = TestData.AdminOf(other.Id);

        await Assert.ThrowsAsync<PortalNotFoundException>(() => Webhooks.GetAsync(intruder, saved.Webhook.Id));
        await Assert.ThrowsAsync<PortalNotFoundException>(() => Webhooks.UpdateAsync(intruder, saved.Webhook.Id, TestData.Webhook()));
        await Assert.ThrowsAsync<PortalNotFoundException>(() => Webhooks.DeleteAsync(intruder, saved.Webhook.Id));
        await Assert.ThrowsAsync<PortalNotFoundException>(() => Webhooks.GetFormOptionsAsync(intruder, Company.Id));
        Assert.Empty(await Webhooks.ListAsync(intruder, Company.Id));
    }

    [Fact]
    public async Task CompanyAdmin_AlwaysCreatesInTheirOwnCompany()
    {
        await using var db = Services.NewDb();
        var other = await TestData.CompanyAsync(db, "Elsewhere");
        await TestData.IntegrationAsync(db, other.Id);

        var saved = await Webhooks.CreateAsync(Admin, TestData.Webhook(w => w.CompanyId = other.Id));

        Assert.Equal(Company.Id, saved.Webhook.CompanyId);
    }

    [Fact]
    public async Task Support_SeesAndChangesEveryCompany_AndMustNameTheCompanyOnCreate()
    {
        await Assert.ThrowsAsync<PortalValidationException>(() => Webhooks.CreateAsync(TestData.Support, TestData.Webhook()));

        var saved = await Webhooks.CreateAsync(TestData.Support, TestData.Webhook(w => w.CompanyId = Company.Id));
        Assert.Equal(Company.Id, saved.Webhook.CompanyId);
        Assert.Single(await Webhooks.ListAsync(TestData.Support, Company.Id));
        Assert.Single(await Webhooks.ListAsync(Admin, null));
    }
}
