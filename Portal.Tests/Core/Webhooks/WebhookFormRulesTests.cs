using Jakamo.Portal.Core.Webhooks;
using Jakamo.Portal.Tests.Builders;
using Microsoft.EntityFrameworkCore;

namespace Jakamo.Portal.Tests.Core.Webhooks;

/// <summary>Each rule of SPEC "The webhook form", enforced by Portal.Core.</summary>
public sealed class WebhookFormRulesTests : WebhookServiceTestBase
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public async Task Name_IsRequired(string? name)
    {
        var errors = await ErrorsOf(() => Webhooks.CreateAsync(Admin, TestData.Webhook(w => w.Name = name)));
        Assert.Contains("required", errors[nameof(WebhookInput.Name)][0], StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Name_IsAtMost100Characters()
    {
        var created = await Webhooks.CreateAsync(Admin, TestData.Webhook(w => w.Name = new string('n', 100)));
        Assert.Equal(100, created.Webhook.Name.Length);

        var errors = await ErrorsOf(() => Webhooks.CreateAsync(Admin, TestData.Webhook(w => w.Name = new string('m', 101))));
        Assert.Contains("100", errors[nameof(WebhookInput.Name)][0], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ERP\u0007")]
    [InlineData("ERP \u202Eexe.gnp")]
    public async Task Name_CannotHideCharacters(string name)
    {
        var errors = await ErrorsOf(() => Webhooks.CreateAsync(Admin, TestData.Webhook(w => w.Name = name)));
        Assert.Contains("invisible formatting characters", errors[nameof(WebhookInput.Name)][0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Name_IsUniqueWithinTheCompany_ButNotAcrossCompanies()
    {
        await Webhooks.CreateAsync(Admin, TestData.Webhook(w => w.Name = "ERP"));

        var errors = await ErrorsOf(() => Webhooks.CreateAsync(Admin, TestData.Webhook(w => w.Name = "ERP")));
        Assert.Contains("already has a webhook named 'ERP'", errors[nameof(WebhookInput.Name)][0], StringComparison.Ordinal);
        var otherCase = await ErrorsOf(() => Webhooks.CreateAsync(Admin, TestData.Webhook(w => w.Name = " erp ")));
        Assert.True(otherCase.ContainsKey(nameof(WebhookInput.Name)));

        await using var db = Services.NewDb();
        var other = await TestData.CompanyAsync(db, "Other company");
        await TestData.IntegrationAsync(db, other.Id);
        var elsewhere = await Webhooks.CreateAsync(TestData.AdminOf(other.Id), TestData.Webhook(w => w.Name = "ERP"));
        Assert.Equal(other.Id, elsewhere.Webhook.CompanyId);
    }

    [Fact]
    public async Task Name_StaysUnique_WhenRenamingOntoAnotherWebhook()
    {
        await Webhooks.CreateAsync(Admin, TestData.Webhook(w => w.Name = "First"));
        var second = await Webhooks.CreateAsync(Admin, TestData.Webhook(w => w.Name = "Second"));

        var errors = await ErrorsOf(() => Webhooks.UpdateAsync(Admin, second.Webhook.Id, TestData.Webhook(w => w.Name = "First")));
        Assert.True(errors.ContainsKey(nameof(WebhookInput.Name)));
        var unchanged = await Webhooks.UpdateAsync(Admin, second.Webhook.Id, TestData.Webhook(w => w.Name = "Second"));
        Assert.Equal("Second", unchanged.Webhook.Name);
    }

    [Theory]
    [InlineData(null, "required")]
    [InlineData("erp.example.com/hook", "absolute URL")]
    [InlineData("ftp://erp.example.com/hook", "absolute URL")]
    [InlineData("http://erp.example.com/hook", "must use https")]
    [InlineData("https://user:pass@erp.example.com/hook", "user name or password")]
    [InlineData("https://erp.example.com/hook\r\nHost: evil.example.com", "line breaks")]
    [InlineData("https://erp.example.com/my hook", "encode a space")]
    public async Task PayloadUrl_MustBeAnAbsoluteHttpsUrlWithoutUserInfo(string? url, string expected)
    {
        var errors = await ErrorsOf(() => Webhooks.CreateAsync(Admin, TestData.Webhook(w => w.PayloadUrl = url)));
        Assert.Contains(expected, errors[nameof(WebhookInput.PayloadUrl)][0], StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("https://erp.invalid/hook", "Payload URL can never be reached: names under .invalid never exist (RFC 6761); correct the host name.")]
    [InlineData("https://ERP.Invalid./hook", "Payload URL can never be reached: names under .invalid never exist (RFC 6761); correct the host name.")]
    [InlineData("https://erp7x.onion/hook", "Payload URL can never be reached: names under .onion are Tor onion services, which the portal cannot reach (RFC 7686).")]
    public async Task PayloadUrl_RefusesNamesThatCanNeverBeReached(string url, string expected)
    {
        var errors = await ErrorsOf(() => Webhooks.CreateAsync(Admin, TestData.Webhook(w => w.PayloadUrl = url)));
        Assert.Equal([expected], errors[nameof(WebhookInput.PayloadUrl)]);

        // Only the special-use names themselves: a host that merely contains the word is an ordinary name.
        await Webhooks.CreateAsync(Admin, TestData.Webhook(w => w.PayloadUrl = "https://invalid-orders.example.com/onion"));
    }

    [Fact]
    public async Task PayloadUrl_IsAtMost2000Characters()
    {
        var ok = "https://erp.example.com/" + new string('a', 2000 - 24);
        Assert.Equal(2000, ok.Length);
        await Webhooks.CreateAsync(Admin, TestData.Webhook(w => w.PayloadUrl = ok));

        var errors = await ErrorsOf(() => Webhooks.CreateAsync(Admin, TestData.Webhook(w => { w.Name = "Long"; w.PayloadUrl = ok + "b"; })));
        Assert.Contains("2000", errors[nameof(WebhookInput.PayloadUrl)][0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Authentication_RequiresEveryFieldOfTheChosenMethod()
    {
        var oauth = await ErrorsOf(() => Webhooks.CreateAsync(Admin, TestData.Webhook(w => w.AuthMethod = WebhookAuthMethod.OAuth2ClientCredentials)));
        Assert.True(oauth.ContainsKey(nameof(WebhookInput.OAuthTokenUrl)));
        Assert.True(oauth.ContainsKey(nameof(WebhookInput.OAuthClientId)));
        Assert.True(oauth.ContainsKey(nameof(WebhookInput.OAuthClientSecret)));

        var basic = await ErrorsOf(() => Webhooks.CreateAsync(Admin, TestData.Webhook(w => { w.BasicUserName = null; w.BasicPassword = null; })));
        Assert.True(basic.ContainsKey(nameof(WebhookInput.BasicUserName)));
        Assert.True(basic.ContainsKey(nameof(WebhookInput.BasicPassword)));

        var apiKey = await ErrorsOf(() => Webhooks.CreateAsync(Admin, TestData.Webhook(w => w.AuthMethod = WebhookAuthMethod.ApiKeyHeader)));
        Assert.True(apiKey.ContainsKey(nameof(WebhookInput.ApiKeyHeaderName)));
        Assert.True(apiKey.ContainsKey(nameof(WebhookInput.ApiKeyValue)));

        var none = await Webhooks.CreateAsync(Admin, TestData.Webhook(w => w.AuthMethod = WebhookAuthMethod.None));
        Assert.Equal(WebhookAuthMethod.None, none.Webhook.AuthMethod);
    }

    [Theory]
    [InlineData("Content-Type")]
    [InlineData("X-Jakamo-Event")]
    [InlineData("webhook-signature")]
    [InlineData("Bad Header")]
    public async Task ApiKeyHeader_CannotReplaceHeadersJakamoSets(string header)
    {
        var errors = await ErrorsOf(() => Webhooks.CreateAsync(Admin, TestData.Webhook(w =>
        {
            w.AuthMethod = WebhookAuthMethod.ApiKeyHeader;
            w.ApiKeyHeaderName = header;
            w.ApiKeyValue = "key-value";
        })));
        Assert.True(errors.ContainsKey(nameof(WebhookInput.ApiKeyHeaderName)));
    }

    [Fact]
    public async Task SelectedEvents_NeedsAtLeastOneEvent()
    {
        var errors = await ErrorsOf(() => Webhooks.CreateAsync(Admin, TestData.Webhook(w => w.EventTypes = [])));
        Assert.Contains("at least one event", errors[nameof(WebhookInput.EventTypes)][0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task SelectedEvents_RefusesUnknownEventTypes()
    {
        var errors = await ErrorsOf(() => Webhooks.CreateAsync(Admin, TestData.Webhook(w => w.EventTypes = ["so.created", "order.exploded"])));
        Assert.Contains("order.exploded", errors[nameof(WebhookInput.EventTypes)][0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task AllEvents_NeedsNoSelection_AndStoresNone()
    {
        var saved = await Webhooks.CreateAsync(Admin, TestData.Webhook(w =>
        {
            w.EventSelection = EventSelection.All;
            w.EventTypes = ["so.created"];
        }));

        Assert.Equal(EventSelection.All, saved.Webhook.EventSelection);
        Assert.Empty(saved.Webhook.EventTypes);
        Assert.Equal("All events", saved.Webhook.EventSummary);
    }

    [Fact]
    public async Task SelectedEvents_AreSavedAndReplacedOnEdit()
    {
        var saved = await Webhooks.CreateAsync(Admin, TestData.Webhook(w => w.EventTypes = ["so.created", "asn.created"]));
        Assert.Equal(["asn.created", "so.created"], saved.Webhook.EventTypes);

        var edited = await Webhooks.UpdateAsync(Admin, saved.Webhook.Id, TestData.Webhook(w => w.EventTypes = ["so.changed"]));
        Assert.Equal(["so.changed"], edited.Webhook.EventTypes);
    }

    [Fact]
    public async Task Checkboxes_AreSavedAsGiven()
    {
        var saved = await Webhooks.CreateAsync(Admin, TestData.Webhook(w =>
        {
            w.RemoveFromQueueOnSuccess = true;
            w.DisableAutomaticRetry = true;
            w.Enabled = false;
        }));

        var read = await Webhooks.GetAsync(Admin, saved.Webhook.Id);
        Assert.True(read.RemoveFromQueueOnSuccess);
        Assert.True(read.DisableAutomaticRetry);
        Assert.False(read.Enabled);
    }

    [Fact]
    public async Task Webhook_NeedsAnSoOrAsnIntegrationInTheCompany()
    {
        await using var db = Services.NewDb();
        var poOnly = await TestData.CompanyAsync(db, "PO only");
        await TestData.IntegrationAsync(db, poOnly.Id, Jakamo.Portal.Core.Integrations.IntegrationKind.PurchaseOrder);

        var error = await Assert.ThrowsAsync<Jakamo.Portal.Core.Common.PortalConflictException>(
            () => Webhooks.CreateAsync(TestData.AdminOf(poOnly.Id), TestData.Webhook()));
        Assert.Contains("Sales Order or ASN integration", error.Message, StringComparison.Ordinal);

        await TestData.IntegrationAsync(db, poOnly.Id, Jakamo.Portal.Core.Integrations.IntegrationKind.Asn);
        var created = await Webhooks.CreateAsync(TestData.AdminOf(poOnly.Id), TestData.Webhook());
        Assert.Equal(poOnly.Id, created.Webhook.CompanyId);
    }

    [Fact]
    public async Task Delete_IsRefused_OnceTheWebhookHasSentAMessage()
    {
        var sent = await Webhooks.CreateAsync(Admin, TestData.Webhook(w => w.Name = "Sent"));
        var unsent = await Webhooks.CreateAsync(Admin, TestData.Webhook(w => w.Name = "Unsent"));
        await using (var db = Services.NewDb())
        {
            await TestData.MarkSentAsync(db, sent.Webhook.Id);
        }

        Assert.False((await Webhooks.GetAsync(Admin, sent.Webhook.Id)).CanDelete);
        var error = await Assert.ThrowsAsync<Jakamo.Portal.Core.Common.PortalConflictException>(() => Webhooks.DeleteAsync(Admin, sent.Webhook.Id));
        Assert.Contains("Webhook enabled", error.Message, StringComparison.Ordinal);

        await Webhooks.DeleteAsync(Admin, unsent.Webhook.Id);
        await using var check = Services.NewDb();
        Assert.True(await check.Webhooks.AnyAsync(w => w.Id == sent.Webhook.Id));
        Assert.False(await check.Webhooks.AnyAsync(w => w.Id == unsent.Webhook.Id));
    }

    [Fact]
    public async Task Changes_AreRecordedInTheAuditTrail()
    {
        var saved = await Webhooks.CreateAsync(Admin, TestData.Webhook());
        await Webhooks.UpdateAsync(Admin, saved.Webhook.Id, TestData.Webhook(w => w.Enabled = false));
        await Webhooks.DeleteAsync(Admin, saved.Webhook.Id);

        await using var db = Services.NewDb();
        var actions = await db.AuditEntries.Where(a => a.EntityType == "Webhook").OrderBy(a => a.Id).Select(a => a.Action + " by " + a.UserName).ToListAsync();
        Assert.Equal([$"Created by {Admin.UserName}", $"Updated by {Admin.UserName}", $"Deleted by {Admin.UserName}"], actions);
    }
}

/// <summary>With configuration allowing http (Development, tests), http payload URLs are accepted.</summary>
public sealed class WebhookHttpAllowedTests : WebhookServiceTestBase
{
    protected override Dictionary<string, string?> Settings => new() { ["Portal:Webhooks:AllowHttp"] = "true" };

    [Fact]
    public async Task PayloadUrl_MayUseHttp_WhenConfigurationAllowsIt()
    {
        var saved = await Webhooks.CreateAsync(Admin, TestData.Webhook(w => w.PayloadUrl = "http://127.0.0.1:5080/demo/receiver/erp"));
        Assert.StartsWith("http://", saved.Webhook.PayloadUrl, StringComparison.Ordinal);
    }
}
