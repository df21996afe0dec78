using Jakamo.Portal.Core.Integrations;
using Jakamo.Portal.Core.Webhooks;
using Jakamo.Portal.Tests.Builders;

namespace Jakamo.Portal.Tests.Core.Webhooks;

/// <summary>SPEC "The webhook form", field 4: the optional tie to the designated webhook integration.</summary>
public sealed class WebhookIntegrationTieTests : WebhookServiceTestBase
{
    [Fact]
    public async Task Tie_IsRefused_WhenTheCompanyHasNoDesignatedIntegration()
    {
        var options = await Webhooks.GetFormOptionsAsync(Admin, Company.Id);
        Assert.Null(options.DesignatedIntegration);

        var errors = await ErrorsOf(() => Webhooks.CreateAsync(Admin, TestData.Webhook(w => w.IntegrationId = SalesOrder.Id)));
        Assert.Contains("no designated webhook integration", errors[nameof(WebhookInput.IntegrationId)][0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tie_ToTheDesignatedIntegration_IsAccepted()
    {
        await using var db = Services.NewDb();
        await TestData.DesignateAsync(db, Company.Id, SalesOrder.Id);

        var options = await Webhooks.GetFormOptionsAsync(Admin, Company.Id);
        Assert.Equal(SalesOrder.Id, options.DesignatedIntegration?.Id);
        var saved = await Webhooks.CreateAsync(Admin, TestData.Webhook(w => w.IntegrationId = SalesOrder.Id));
        Assert.Equal(SalesOrder.Id, saved.Webhook.IntegrationId);
        Assert.True(saved.Webhook.IntegrationIsDesignated);
    }

    [Fact]
    public async Task Tie_ToAnIntegrationThatIsNotDesignated_IsRefused()
    {
        await using var db = Services.NewDb();
        var other = await TestData.IntegrationAsync(db, Company.Id, IntegrationKind.SalesOrder, "SO test");
        await TestData.DesignateAsync(db, Company.Id, SalesOrder.Id);

        var errors = await ErrorsOf(() => Webhooks.CreateAsync(Admin, TestData.Webhook(w => w.IntegrationId = other.Id)));
        Assert.Contains("Only your company's designated webhook integration", errors[nameof(WebhookInput.IntegrationId)][0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tie_ToAnotherCompanysIntegration_IsRefused()
    {
        await using var db = Services.NewDb();
        var other = await TestData.CompanyAsync(db, "Other");
        var foreign = await TestData.IntegrationAsync(db, other.Id);
        await TestData.DesignateAsync(db, other.Id, foreign.Id);
        await TestData.DesignateAsync(db, Company.Id, SalesOrder.Id);

        var errors = await ErrorsOf(() => Webhooks.CreateAsync(Admin, TestData.Webhook(w => w.IntegrationId = foreign.Id)));
        Assert.True(errors.ContainsKey(nameof(WebhookInput.IntegrationId)));
    }

    [Fact]
    public async Task OldTie_IsKept_WhenSavedUnchangedAfterTheDesignationMoved()
    {
        await using var db = Services.NewDb();
        var next = await TestData.IntegrationAsync(db, Company.Id, IntegrationKind.SalesOrder, "SO next");
        await TestData.DesignateAsync(db, Company.Id, SalesOrder.Id);
        var saved = await Webhooks.CreateAsync(Admin, TestData.Webhook(w => w.IntegrationId = SalesOrder.Id));
        await TestData.DesignateAsync(db, Company.Id, next.Id);

        var view = await Webhooks.GetAsync(Admin, saved.Webhook.Id);
        Assert.Equal(SalesOrder.Id, view.IntegrationId);
        Assert.False(view.IntegrationIsDesignated);

        var resaved = await Webhooks.UpdateAsync(Admin, saved.Webhook.Id, TestData.Webhook(w =>
        {
            w.IntegrationId = SalesOrder.Id;
            w.Enabled = false;
        }));
        Assert.Equal(SalesOrder.Id, resaved.Webhook.IntegrationId);
        Assert.False(resaved.Webhook.Enabled);
    }

    [Fact]
    public async Task OldTie_CannotBeChosenAgain_OnceCleared()
    {
        await using var db = Services.NewDb();
        var next = await TestData.IntegrationAsync(db, Company.Id, IntegrationKind.SalesOrder, "SO next");
        await TestData.DesignateAsync(db, Company.Id, SalesOrder.Id);
        var saved = await Webhooks.CreateAsync(Admin, TestData.Webhook(w => w.IntegrationId = SalesOrder.Id));
        await TestData.DesignateAsync(db, Company.Id, next.Id);

        var cleared = await Webhooks.UpdateAsync(Admin, saved.Webhook.Id, TestData.Webhook(w => w.IntegrationId = null));
        Assert.Null(cleared.Webhook.IntegrationId);

        var errors = await ErrorsOf(() => Webhooks.UpdateAsync(Admin, saved.Webhook.Id, TestData.Webhook(w => w.IntegrationId = SalesOrder.Id)));
        Assert.True(errors.ContainsKey(nameof(WebhookInput.IntegrationId)));

        var moved = await Webhooks.UpdateAsync(Admin, saved.Webhook.Id, TestData.Webhook(w => w.IntegrationId = next.Id));
        Assert.Equal(next.Id, moved.Webhook.IntegrationId);
    }

    [Fact]
    public async Task OldTie_CannotBeGivenToANewWebhook()
    {
        await using var db = Services.NewDb();
        var next = await TestData.IntegrationAsync(db, Company.Id, IntegrationKind.SalesOrder, "SO next");
        await TestData.DesignateAsync(db, Company.Id, SalesOrder.Id);
        await Webhooks.CreateAsync(Admin, TestData.Webhook(w => w.IntegrationId = SalesOrder.Id));
        await TestData.DesignateAsync(db, Company.Id, next.Id);

        var errors = await ErrorsOf(() => Webhooks.CreateAsync(Admin, TestData.Webhook(w =>
        {
            w.Name = "New one";
            w.IntegrationId = SalesOrder.Id;
        })));
        Assert.True(errors.ContainsKey(nameof(WebhookInput.IntegrationId)));
    }

    [Theory]
    [InlineData(null, null, false)]
    [InlineData(7, null, true)]
    [InlineData(null, 5, true)]
    public void IntegrationField_IsShown_WhenDesignatedOrAnOldTieExists(int? designated, int? saved, bool shown) =>
        Assert.Equal(shown, WebhookRules.ShowIntegrationField(designated, saved));
}
