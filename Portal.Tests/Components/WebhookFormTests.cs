using Bunit;
using Jakamo.Portal.Core.Events;
using Jakamo.Portal.Core.Integrations;
using Jakamo.Portal.Core.Webhooks;
using Jakamo.Portal.Features.Webhooks;
using Jakamo.Portal.Tests.Builders;
using Jakamo.Portal.Tests.Infrastructure;

namespace Jakamo.Portal.Tests.Components;

/// <summary>The webhook form, rendered with options and webhooks read from the real services over SQLite.</summary>
public sealed class WebhookFormTests : PortalBunitContext
{
    private const string ClientSecret = "oauth-client-secret-Qw9!";
    private const string BasicPassword = "basic-password-Lk3#";

    private WebhookInput? _sent;

    [Fact]
    public void IntegrationField_IsHidden_WhenTheCompanyHasNoDesignatedIntegration()
    {
        var cut = RenderForm(Options(designated: null));

        Assert.Empty(cut.FindAll("[data-testid=integration-field]"));
        Assert.Empty(cut.FindAll("input[name=integration]"));
    }

    [Fact]
    public async Task IntegrationField_OffersOnlyNoneAndTheDesignatedIntegration()
    {
        await using var core = await CoreServices.CreateAsync();
        var (companyId, designated, other) = await CompanyWithTwoSoIntegrationsAsync(core);
        var options = await core.Get<WebhookService>().GetFormOptionsAsync(TestData.AdminOf(companyId), companyId);

        var cut = RenderForm(options);

        Assert.Equal(["integration-none", $"integration-{designated}"], cut.FindAll("input[name=integration]").Select(i => i.Id));
        Assert.Empty(cut.FindAll($"#integration-{other}"));
        Assert.Contains("(webhook integration)", cut.Find("[data-testid=integration-field]").TextContent, StringComparison.Ordinal);

        FillRequired(cut);
        cut.Find($"#integration-{designated}").Click();
        cut.Find("#webhook-send").Click();
        Assert.Equal(designated, _sent!.IntegrationId);
        var saved = await core.Get<WebhookService>().CreateAsync(TestData.AdminOf(companyId), _sent);
        Assert.Equal(designated, saved.Webhook.IntegrationId);
    }

    [Fact]
    public async Task OldTie_IsShown_AndSavesUnchanged()
    {
        await using var core = await CoreServices.CreateAsync();
        var (companyId, oldId, newId, saved) = await WebhookTiedToAFormerWebhookIntegrationAsync(core);
        var admin = TestData.AdminOf(companyId);
        var webhooks = core.Get<WebhookService>();

        var cut = RenderForm(await webhooks.GetFormOptionsAsync(admin, companyId), await webhooks.GetAsync(admin, saved.Webhook.Id));

        var oldChoice = cut.Find($"#integration-{oldId}");
        Assert.True(oldChoice.HasAttribute("checked"));
        Assert.Contains("no longer the designated webhook integration", cut.Find("[data-testid=integration-field]").TextContent, StringComparison.Ordinal);
        cut.Find("#webhook-send").Click();
        Assert.Equal(oldId, _sent!.IntegrationId);
        var resaved = await webhooks.UpdateAsync(admin, saved.Webhook.Id, _sent);
        Assert.Equal(oldId, resaved.Webhook.IntegrationId);
    }

    [Fact]
    public async Task ClearedTie_CannotBeChosenAgain()
    {
        await using var core = await CoreServices.CreateAsync();
        var (companyId, oldId, newId, saved) = await WebhookTiedToAFormerWebhookIntegrationAsync(core);
        var admin = TestData.AdminOf(companyId);
        var webhooks = core.Get<WebhookService>();
        var options = await webhooks.GetFormOptionsAsync(admin, companyId);

        var first = RenderForm(options, await webhooks.GetAsync(admin, saved.Webhook.Id));
        first.Find("#integration-none").Click();
        first.Find("#webhook-send").Click();
        Assert.Null(_sent!.IntegrationId);
        await webhooks.UpdateAsync(admin, saved.Webhook.Id, _sent);

        var reopened = RenderForm(options, await webhooks.GetAsync(admin, saved.Webhook.Id));
        Assert.Empty(reopened.FindAll($"#integration-{oldId}"));
        Assert.Equal(["integration-none", $"integration-{newId}"], reopened.FindAll("input[name=integration]").Select(i => i.Id));
    }

    [Fact]
    public async Task Secrets_AreNeverRendered_OnlyShownAsSetWithReplace()
    {
        await using var core = await CoreServices.CreateAsync();
        var (companyId, _, _) = await CompanyWithTwoSoIntegrationsAsync(core);
        var admin = TestData.AdminOf(companyId);
        var webhooks = core.Get<WebhookService>();
        var saved = await webhooks.CreateAsync(admin, TestData.Webhook(w =>
        {
            w.AuthMethod = WebhookAuthMethod.OAuth2ClientCredentials;
            w.OAuthTokenUrl = "https://login.example.com/token";
            w.OAuthClientId = "client-1";
            w.OAuthClientSecret = ClientSecret;
            w.GenerateSigningSecret = true;
        }));

        var cut = RenderForm(await webhooks.GetFormOptionsAsync(admin, companyId), await webhooks.GetAsync(admin, saved.Webhook.Id));

        AssertNoSecret(cut.Markup, ClientSecret, saved.NewSigningSecret!);
        Assert.Contains("••• set", cut.Find("[data-testid=oauth-client-secret-set]").TextContent, StringComparison.Ordinal);
        Assert.Contains("••• set", cut.Find("[data-testid=signing-secret-set]").TextContent, StringComparison.Ordinal);

        cut.Find("#oauth-client-secret-replace").Click();
        var secretInput = cut.Find("#oauth-client-secret");
        Assert.Equal("password", secretInput.GetAttribute("type"));
        Assert.True(string.IsNullOrEmpty(secretInput.GetAttribute("value")));
        AssertNoSecret(cut.Markup, ClientSecret, saved.NewSigningSecret!);

        cut.Find("#webhook-send").Click();
        Assert.Null(_sent!.OAuthClientSecret);
        Assert.True((await webhooks.UpdateAsync(admin, saved.Webhook.Id, _sent)).Webhook.OAuthClientSecretSet);

        cut.Find("#auth-basic").Click();
        cut.Find("#basic-user").Change("jakamo");
        cut.Find("#basic-password").Change(BasicPassword);
        cut.Find("#webhook-send").Click();
        Assert.Equal(BasicPassword, _sent.BasicPassword);
        Assert.Null(_sent.OAuthClientSecret);
    }

    [Fact]
    public void Form_SendsWhatTheUserEntered()
    {
        var cut = RenderForm(Options(designated: null));

        FillRequired(cut);
        cut.Find("#event-asn\\.created").Change(true);
        cut.Find("#remove-from-queue").Change(true);
        cut.Find("#disable-retry").Change(true);
        cut.Find("#webhook-enabled").Change(false);
        cut.Find("#signing-secret-generate").Change(true);
        cut.Find("#webhook-send").Click();

        Assert.NotNull(_sent);
        Assert.Equal("ERP production", _sent.Name);
        Assert.Equal("https://erp.example.com/hook", _sent.PayloadUrl);
        Assert.Equal(WebhookAuthMethod.Basic, _sent.AuthMethod);
        Assert.Equal("jakamo", _sent.BasicUserName);
        Assert.Equal(BasicPassword, _sent.BasicPassword);
        Assert.Null(_sent.OAuthClientId);
        Assert.Equal(["asn.created", "so.created"], _sent.EventTypes);
        Assert.True(_sent.RemoveFromQueueOnSuccess);
        Assert.True(_sent.DisableAutomaticRetry);
        Assert.False(_sent.Enabled);
        Assert.True(_sent.GenerateSigningSecret);
        Assert.Null(_sent.IntegrationId);
    }

    [Fact]
    public void OtherAuthentication_ExplainsItIsForSpecialCases_AndOffersApiKeyOrNone()
    {
        var cut = RenderForm(Options(designated: null));

        cut.Find("#auth-other").Click();

        Assert.Contains("special cases", cut.Markup, StringComparison.Ordinal);
        cut.Find("#apikey-header").Change("X-Api-Key");
        cut.Find("#apikey-value").Change("key-123");
        cut.Find("#webhook-send").Click();
        Assert.Equal(WebhookAuthMethod.ApiKeyHeader, _sent!.AuthMethod);
        Assert.Equal("X-Api-Key", _sent.ApiKeyHeaderName);

        cut.Find("#auth-none").Click();
        cut.Find("#webhook-send").Click();
        Assert.Equal(WebhookAuthMethod.None, _sent.AuthMethod);
        Assert.Null(_sent.ApiKeyValue);
    }

    [Fact]
    public void AllEvents_WarnsAndHidesTheSelection()
    {
        var cut = RenderForm(Options(designated: null));

        cut.Find("#events-all").Click();

        Assert.Contains("every PO, SO and ASN event", cut.Find("[data-testid=all-events-warning]").TextContent, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("#event-so\\.created"));
        cut.Find("#webhook-send").Click();
        Assert.Equal(EventSelection.All, _sent!.EventSelection);
        Assert.Empty(_sent.EventTypes);
    }

    [Fact]
    public void ServerErrors_AreShownBesideTheirFields()
    {
        var errors = new Dictionary<string, string[]>
        {
            [nameof(WebhookInput.Name)] = ["Your company already has a webhook named 'ERP'."],
            [nameof(WebhookInput.EventTypes)] = ["Choose at least one event, or choose \"All events\"."],
        };

        var cut = Render<WebhookForm>(p => p.Add(f => f.Options, Options(designated: null)).Add(f => f.Errors, errors));

        var nameField = cut.Find("#webhook-name").Closest(".mud-input-control")!;
        Assert.Contains("already has a webhook named 'ERP'", nameField.TextContent, StringComparison.Ordinal);
        Assert.Equal("true", cut.Find("#webhook-name").GetAttribute("aria-invalid"));
        Assert.Contains("Choose at least one event", cut.Find("[data-testid=events-error]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void SubmitButton_IsLabelledSend_AndHelpTextsFollowTheSpec()
    {
        var cut = RenderForm(Options(designated: null));

        Assert.Equal("Send", cut.Find("#webhook-send").TextContent.Trim());
        Assert.Contains("Inform Jakamo support of this URL so it can open the firewall for it.", cut.Markup, StringComparison.Ordinal);
        Assert.Contains("only for Sales order created events", cut.Markup, StringComparison.Ordinal);
        Assert.True(cut.Find("#events-selected").HasAttribute("checked"));
    }

    private static WebhookFormOptions Options(IntegrationChoice? designated) =>
        new(1, "Nordic Components", true, designated, EventTypeCatalog.All, AllowHttp: false);

    private IRenderedComponent<WebhookForm> RenderForm(WebhookFormOptions options, WebhookView? existing = null) =>
        Render<WebhookForm>(p => p
            .Add(f => f.Options, options)
            .Add(f => f.Existing, existing)
            .Add(f => f.OnSend, (WebhookInput input) => _sent = input));

    private static void FillRequired(IRenderedComponent<WebhookForm> cut)
    {
        cut.Find("#webhook-name").Change("ERP production");
        cut.Find("#webhook-url").Change("https://erp.example.com/hook");
        cut.Find("#auth-basic").Click();
        cut.Find("#basic-user").Change("jakamo");
        cut.Find("#basic-password").Change(BasicPassword);
        cut.Find("#event-so\\.created").Change(true);
    }

    /// <summary>A webhook tied to the designated integration, after which support designated the other one.</summary>
    private static async Task<(int CompanyId, int OldId, int NewId, WebhookSaveResult Saved)> WebhookTiedToAFormerWebhookIntegrationAsync(CoreServices core)
    {
        var (companyId, oldId, newId) = await CompanyWithTwoSoIntegrationsAsync(core);
        var saved = await core.Get<WebhookService>().CreateAsync(TestData.AdminOf(companyId), TestData.Webhook(w => w.IntegrationId = oldId));
        await core.Get<IntegrationService>().SetWebhookIntegrationAsync(TestData.Support, newId, true);
        return (companyId, oldId, newId, saved);
    }

    private static async Task<(int CompanyId, int Designated, int Other)> CompanyWithTwoSoIntegrationsAsync(CoreServices core)
    {
        await using var db = core.NewDb();
        var company = await TestData.CompanyAsync(db, "Nordic Components");
        var designated = await TestData.IntegrationAsync(db, company.Id, IntegrationKind.SalesOrder, "SO production");
        var other = await TestData.IntegrationAsync(db, company.Id, IntegrationKind.SalesOrder, "SO test");
        await TestData.DesignateAsync(db, company.Id, designated.Id);
        return (company.Id, designated.Id, other.Id);
    }

    private static void AssertNoSecret(string markup, params string[] secrets)
    {
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(secret, markup, StringComparison.Ordinal);
            Assert.DoesNotContain(System.Net.WebUtility.HtmlEncode(secret), markup, StringComparison.Ordinal);
        }
    }
}
