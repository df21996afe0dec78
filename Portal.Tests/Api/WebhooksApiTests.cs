using System.Net;
using System.Text.Json;
using Jakamo.Portal.Core.Security;
using Jakamo.Portal.Tests.Builders;
using Jakamo.Portal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Jakamo.Portal.Tests.Api;

/// <summary>A company admin manages their webhooks over /api/webhooks with a personal token.</summary>
public sealed class WebhooksApiTests(PortalAppFixture fixture) : IClassFixture<PortalAppFixture>
{
    private readonly PortalAppFactory _app = fixture.App;

    [Fact]
    public async Task Create_ReturnsTheWebhook_WithSecretsOnlyAsSetFlags()
    {
        var tenant = await _app.NewTenantAsync();
        using var client = _app.NewClient(tenant.AdminToken);

        using var response = await client.SendAsync(HttpMethod.Post, "api/webhooks", ApiTenants.WebhookBody());
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var webhook = JsonDocument.Parse(text).RootElement.GetProperty("webhook");
        Assert.Equal($"/api/webhooks/{webhook.Id()}", response.Headers.Location?.OriginalString);
        Assert.Equal(tenant.CompanyId, webhook.GetProperty("companyId").GetInt32());
        Assert.Equal("ERP production", webhook.GetProperty("name").GetString());
        Assert.Equal("Basic", webhook.GetProperty("authMethod").GetString());
        Assert.Equal("jakamo", webhook.GetProperty("basicUserName").GetString());
        Assert.True(webhook.GetProperty("basicPasswordSet").GetBoolean());
        Assert.False(webhook.TryGetProperty("basicPassword", out _));
        Assert.DoesNotContain(ApiTenants.BasicPassword, text, StringComparison.Ordinal);
        Assert.Equal(["so.created"], webhook.GetProperty("eventTypes").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task GetAndList_ReturnTheWebhook_WithoutItsSecrets()
    {
        var tenant = await _app.NewTenantAsync();
        using var client = _app.NewClient(tenant.AdminToken);
        var body = ApiTenants.WebhookBody();
        body["authMethod"] = "ApiKeyHeader";
        body["apiKeyHeaderName"] = "X-Api-Key";
        body["apiKeyValue"] = "api-key-value-never-shown";
        var id = (await client.CreateWebhookAsync(body)).GetProperty("webhook").Id();

        foreach (var path in new[] { $"api/webhooks/{id}", "api/webhooks" })
        {
            using var response = await client.SendAsync(HttpMethod.Get, path);
            var text = await response.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.DoesNotContain("api-key-value-never-shown", text, StringComparison.Ordinal);
            Assert.DoesNotContain(ApiTenants.BasicPassword, text, StringComparison.Ordinal);
            var root = JsonDocument.Parse(text).RootElement;
            var webhook = root.ValueKind == JsonValueKind.Array ? Assert.Single(root.EnumerateArray()) : root;
            Assert.Equal(id, webhook.Id());
            Assert.Equal("X-Api-Key", webhook.GetProperty("apiKeyHeaderName").GetString());
            Assert.True(webhook.GetProperty("apiKeyValueSet").GetBoolean());
            Assert.False(webhook.GetProperty("basicPasswordSet").GetBoolean());
            Assert.False(webhook.TryGetProperty("apiKeyValue", out _));
        }
    }

    [Fact]
    public async Task Update_KeepsTheStoredSecret_WhenTheBodyHasNoSecret()
    {
        var tenant = await _app.NewTenantAsync();
        using var client = _app.NewClient(tenant.AdminToken);
        var id = (await client.CreateWebhookAsync()).GetProperty("webhook").Id();
        var change = ApiTenants.WebhookBody("ERP renamed");
        change.Remove("basicPassword");
        change["payloadUrl"] = "https://erp2.example.com/hook";

        var saved = await client.SendJsonAsync(HttpMethod.Put, $"api/webhooks/{id}", change, HttpStatusCode.OK);

        var webhook = saved.GetProperty("webhook");
        Assert.Equal("ERP renamed", webhook.GetProperty("name").GetString());
        Assert.Equal("https://erp2.example.com/hook", webhook.GetProperty("payloadUrl").GetString());
        Assert.True(webhook.GetProperty("basicPasswordSet").GetBoolean());
        Assert.Equal(ApiTenants.BasicPassword, await StoredBasicPasswordAsync(id));
    }

    [Fact]
    public async Task Update_ReplacesTheStoredSecret_WhenTheBodyHasANewOne()
    {
        var tenant = await _app.NewTenantAsync();
        using var client = _app.NewClient(tenant.AdminToken);
        var id = (await client.CreateWebhookAsync()).GetProperty("webhook").Id();
        var change = ApiTenants.WebhookBody();
        change["basicPassword"] = "replaced-secret-P4ss";

        using var response = await client.SendAsync(HttpMethod.Put, $"api/webhooks/{id}", change);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("replaced-secret-P4ss", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("replaced-secret-P4ss", await StoredBasicPasswordAsync(id));
    }

    [Fact]
    public async Task SigningSecret_IsReturnedOnceWhenGenerated_AndNeverAgain()
    {
        var tenant = await _app.NewTenantAsync();
        using var client = _app.NewClient(tenant.AdminToken);
        var body = ApiTenants.WebhookBody();
        body["generateSigningSecret"] = true;

        var created = await client.CreateWebhookAsync(body);

        var secret = created.GetProperty("newSigningSecret").GetString();
        Assert.NotNull(secret);
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        Assert.InRange(Convert.FromBase64String(secret["whsec_".Length..]).Length, 24, 64);
        var id = created.GetProperty("webhook").Id();
        Assert.True(created.GetProperty("webhook").GetProperty("signingSecretSet").GetBoolean());

        var unchanged = ApiTenants.WebhookBody();
        unchanged.Remove("basicPassword");
        var updated = await client.SendJsonAsync(HttpMethod.Put, $"api/webhooks/{id}", unchanged, HttpStatusCode.OK);
        Assert.Equal(JsonValueKind.Null, updated.GetProperty("newSigningSecret").ValueKind);
        Assert.True(updated.GetProperty("webhook").GetProperty("signingSecretSet").GetBoolean());

        foreach (var path in new[] { $"api/webhooks/{id}", "api/webhooks" })
        {
            using var response = await client.SendAsync(HttpMethod.Get, path);
            var text = await response.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.DoesNotContain(secret["whsec_".Length..], text, StringComparison.Ordinal);
            Assert.DoesNotContain("whsec_", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task List_ReturnsOnlyTheCompanysWebhooks_OrderedByName()
    {
        var tenant = await _app.NewTenantAsync();
        using var client = _app.NewClient(tenant.AdminToken);
        await client.CreateWebhookAsync(ApiTenants.WebhookBody("Beta"));
        await client.CreateWebhookAsync(ApiTenants.WebhookBody("Alpha"));

        var list = await client.SendJsonAsync(HttpMethod.Get, "api/webhooks", null, HttpStatusCode.OK);

        Assert.Equal(["Alpha", "Beta"], list.EnumerateArray().Select(w => w.GetProperty("name").GetString()));
        Assert.All(list.EnumerateArray(), w => Assert.Equal(tenant.CompanyId, w.GetProperty("companyId").GetInt32()));
    }

    [Fact]
    public async Task Delete_RemovesTheWebhook_WhenItNeverSentAMessage()
    {
        var tenant = await _app.NewTenantAsync();
        using var client = _app.NewClient(tenant.AdminToken);
        var id = (await client.CreateWebhookAsync()).GetProperty("webhook").Id();

        using var response = await client.SendAsync(HttpMethod.Delete, $"api/webhooks/{id}");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        using var get = await client.SendAsync(HttpMethod.Get, $"api/webhooks/{id}");
        await get.AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(0, await _app.CountWebhooksAsync(tenant.CompanyId));
    }

    [Fact]
    public async Task Delete_AnswersConflict_WhenWebhookHasSentMessages()
    {
        var tenant = await _app.NewTenantAsync();
        using var client = _app.NewClient(tenant.AdminToken);
        var id = (await client.CreateWebhookAsync()).GetProperty("webhook").Id();
        await using (var db = await _app.NewDbAsync())
        {
            await TestData.MarkSentAsync(db, id);
        }

        using var response = await client.SendAsync(HttpMethod.Delete, $"api/webhooks/{id}");

        var problem = await response.AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("turn off \"Webhook enabled\"", problem.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(1, await _app.CountWebhooksAsync(tenant.CompanyId));
        var webhook = await client.SendJsonAsync(HttpMethod.Get, $"api/webhooks/{id}", null, HttpStatusCode.OK);
        Assert.True(webhook.GetProperty("hasSentMessages").GetBoolean());
        Assert.False(webhook.GetProperty("canDelete").GetBoolean());
    }

    [Fact]
    public async Task Update_CanStillDisable_AWebhookThatHasSentMessages()
    {
        var tenant = await _app.NewTenantAsync();
        using var client = _app.NewClient(tenant.AdminToken);
        var id = (await client.CreateWebhookAsync()).GetProperty("webhook").Id();
        await using (var db = await _app.NewDbAsync())
        {
            await TestData.MarkSentAsync(db, id);
        }

        var body = ApiTenants.WebhookBody();
        body["enabled"] = false;
        var saved = await client.SendJsonAsync(HttpMethod.Put, $"api/webhooks/{id}", body, HttpStatusCode.OK);

        Assert.False(saved.GetProperty("webhook").GetProperty("enabled").GetBoolean());
    }

    [Fact]
    public async Task Create_AnswersConflict_WhenTheCompanyHasNoSalesOrderOrAsnIntegration()
    {
        var tenant = await _app.NewTenantAsync(kind: "PurchaseOrder");
        using var client = _app.NewClient(tenant.AdminToken);

        using var response = await client.SendAsync(HttpMethod.Post, "api/webhooks", ApiTenants.WebhookBody());

        var problem = await response.AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("Sales Order or ASN", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await _app.CountWebhooksAsync(tenant.CompanyId));
    }

    [Fact]
    public async Task Update_ClearsTheOldSecret_WhenTheAuthenticationMethodChanges()
    {
        var tenant = await _app.NewTenantAsync();
        using var client = _app.NewClient(tenant.AdminToken);
        var id = (await client.CreateWebhookAsync()).GetProperty("webhook").Id();
        var body = ApiTenants.WebhookBody();
        body.Remove("basicPassword");
        body["authMethod"] = "None";

        var saved = await client.SendJsonAsync(HttpMethod.Put, $"api/webhooks/{id}", body, HttpStatusCode.OK);

        Assert.Equal("None", saved.GetProperty("webhook").GetProperty("authMethod").GetString());
        Assert.False(saved.GetProperty("webhook").GetProperty("basicPasswordSet").GetBoolean());
        Assert.Null(await StoredBasicPasswordAsync(id));
    }

    private async Task<string?> StoredBasicPasswordAsync(int webhookId)
    {
        await using var db = await _app.NewDbAsync();
        var stored = await db.Webhooks.AsNoTracking().Where(w => w.Id == webhookId).Select(w => w.BasicPasswordProtected).SingleAsync();
        Assert.NotEqual(ApiTenants.BasicPassword, stored);
        return stored is null ? null : _app.Services.GetRequiredService<ISecretProtector>().Unprotect(stored);
    }
}
