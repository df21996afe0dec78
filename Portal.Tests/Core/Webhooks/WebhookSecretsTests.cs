using Jakamo.Portal.Core.Security;
using Jakamo.Portal.Core.Webhooks;
using Jakamo.Portal.Tests.Builders;
using Microsoft.EntityFrameworkCore;

namespace Jakamo.Portal.Tests.Core.Webhooks;

/// <summary>Secrets can be written but never read back, and are encrypted at rest.</summary>
public sealed class WebhookSecretsTests : WebhookServiceTestBase
{
    private const string ClientSecret = "oauth-client-secret-Zx81";

    private static WebhookInput OAuth(Action<WebhookInput>? change = null) => TestData.Webhook(w =>
    {
        w.AuthMethod = WebhookAuthMethod.OAuth2ClientCredentials;
        w.OAuthTokenUrl = "https://login.example.com/token";
        w.OAuthClientId = "jakamo-client";
        w.OAuthClientSecret = ClientSecret;
        change?.Invoke(w);
    });

    [Fact]
    public async Task Secrets_AreEncryptedAtRest_AndOnlyReportedAsSet()
    {
        var saved = await Webhooks.CreateAsync(Admin, OAuth());

        Assert.True(saved.Webhook.OAuthClientSecretSet);
        Assert.DoesNotContain(ClientSecret, System.Text.Json.JsonSerializer.Serialize(saved), StringComparison.Ordinal);

        await using var db = Services.NewDb();
        var stored = await db.Webhooks.AsNoTracking().SingleAsync(w => w.Id == saved.Webhook.Id);
        Assert.NotNull(stored.OAuthClientSecretProtected);
        Assert.DoesNotContain(ClientSecret, stored.OAuthClientSecretProtected, StringComparison.Ordinal);
        Assert.Equal(ClientSecret, Services.Get<ISecretProtector>().Unprotect(stored.OAuthClientSecretProtected));

        var raw = await File.ReadAllBytesAsync(Services.DatabasePath);
        Assert.DoesNotContain(ClientSecret, System.Text.Encoding.UTF8.GetString(raw), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Secret_IsKept_WhenAnEditLeavesItEmpty_AndReplaced_WhenANewOneIsGiven()
    {
        var saved = await Webhooks.CreateAsync(Admin, OAuth());
        var protector = Services.Get<ISecretProtector>();

        await Webhooks.UpdateAsync(Admin, saved.Webhook.Id, OAuth(w => w.OAuthClientSecret = null));
        Assert.Equal(ClientSecret, protector.Unprotect(await StoredClientSecretAsync(saved.Webhook.Id)));

        await Webhooks.UpdateAsync(Admin, saved.Webhook.Id, OAuth(w => w.OAuthClientSecret = "replaced-secret-77"));
        Assert.Equal("replaced-secret-77", protector.Unprotect(await StoredClientSecretAsync(saved.Webhook.Id)));
    }

    [Fact]
    public async Task SwitchingMethod_DropsTheOldSecret_AndRequiresTheNewOne()
    {
        var saved = await Webhooks.CreateAsync(Admin, OAuth());

        var errors = await ErrorsOf(() => Webhooks.UpdateAsync(Admin, saved.Webhook.Id, TestData.Webhook(w => w.BasicPassword = null)));
        Assert.True(errors.ContainsKey(nameof(WebhookInput.BasicPassword)));

        var basic = await Webhooks.UpdateAsync(Admin, saved.Webhook.Id, TestData.Webhook());
        Assert.False(basic.Webhook.OAuthClientSecretSet);
        Assert.True(basic.Webhook.BasicPasswordSet);
        await using var db = Services.NewDb();
        var stored = await db.Webhooks.AsNoTracking().SingleAsync(w => w.Id == saved.Webhook.Id);
        Assert.Null(stored.OAuthClientSecretProtected);
        Assert.Null(stored.OAuthClientId);
    }

    [Fact]
    public async Task SigningSecret_IsGeneratedByThePortal_ShownOnce_AndFollowsStandardWebhooks()
    {
        var saved = await Webhooks.CreateAsync(Admin, TestData.Webhook(w => w.GenerateSigningSecret = true));

        Assert.NotNull(saved.NewSigningSecret);
        Assert.StartsWith("whsec_", saved.NewSigningSecret, StringComparison.Ordinal);
        var key = Convert.FromBase64String(saved.NewSigningSecret["whsec_".Length..]);
        Assert.InRange(key.Length, 24, 64);
        Assert.True(saved.Webhook.SigningSecretSet);

        var edited = await Webhooks.UpdateAsync(Admin, saved.Webhook.Id, TestData.Webhook());
        Assert.Null(edited.NewSigningSecret);
        Assert.True(edited.Webhook.SigningSecretSet);

        var removed = await Webhooks.UpdateAsync(Admin, saved.Webhook.Id, TestData.Webhook(w => w.RemoveSigningSecret = true));
        Assert.False(removed.Webhook.SigningSecretSet);
    }

    [Fact]
    public async Task SecretWithALineBreak_IsRefused()
    {
        var errors = await ErrorsOf(() => Webhooks.CreateAsync(Admin, TestData.Webhook(w => w.BasicPassword = "pass\r\nX-Evil: 1")));
        Assert.True(errors.ContainsKey(nameof(WebhookInput.BasicPassword)));
    }

    private async Task<string> StoredClientSecretAsync(int id)
    {
        await using var db = Services.NewDb();
        return (await db.Webhooks.AsNoTracking().SingleAsync(w => w.Id == id)).OAuthClientSecretProtected!;
    }
}
