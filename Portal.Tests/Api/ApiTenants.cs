using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Jakamo.Portal.Core.Data;
using Jakamo.Portal.Core.Security;
using Jakamo.Portal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Jakamo.Portal.Tests.Api;

/// <summary>A company set up through the support API, with one SO integration and an admin holding a personal token.</summary>
public sealed record ApiTenant(
    int CompanyId, string CompanyName, int IntegrationId, string AdminUserId, string AdminEmail, string AdminToken, int AdminTokenId, string AdminPassword);

/// <summary>Sets up tenants through the real API and reads its JSON answers.</summary>
public static class ApiTenants
{
    public const string BasicPassword = "basic-secret-P4ss-do-not-echo";

    /// <summary>Creates a company, an integration of <paramref name="kind"/> and an admin, then mints the admin's token in-process.</summary>
    public static async Task<ApiTenant> NewTenantAsync(this PortalAppFactory app, string kind = "SalesOrder")
    {
        using var support = app.NewClient(PortalAppFactory.SupportToken);
        var suffix = Guid.NewGuid().ToString("n")[..10];
        var companyName = $"Company {suffix}";
        var company = await support.SendJsonAsync(HttpMethod.Post, "api/companies", new { name = companyName }, HttpStatusCode.Created);
        var companyId = company.GetProperty("id").GetInt32();

        var integrationId = await support.CreateIntegrationAsync(companyId, kind, $"{kind} {suffix}");

        var email = $"admin-{suffix}@example.com";
        var admin = await support.SendJsonAsync(HttpMethod.Post, $"api/companies/{companyId}/admins", new { email }, HttpStatusCode.Created);
        var userId = admin.GetProperty("userId").GetString()!;
        var password = admin.GetProperty("oneTimePassword").GetString()!;

        var token = await app.Services.GetRequiredService<ApiTokenService>()
            .CreateAsync(new PortalActor(userId, email, false, companyId), "test");
        return new ApiTenant(companyId, companyName, integrationId, userId, email, token.PlainText, token.Token.Id, password);
    }

    /// <summary>A new tenant whose admin made a Basic-auth webhook to <c>/hooks/{companyId}</c> on the fixture's receiver,
    /// which answers <paramref name="receiverStatus"/> there.</summary>
    public static async Task<(ApiTenant Tenant, string Path)> NewTenantWithWebhookAsync(
        this DeliveryAppFixture fixture, string[]? events = null, int receiverStatus = 200, string name = "ERP production")
    {
        var tenant = await fixture.App.NewTenantAsync();
        var path = $"/hooks/{tenant.CompanyId}";
        if (receiverStatus != 200)
        {
            var previous = fixture.Receiver.Respond;
            fixture.Receiver.Respond = (request, context) =>
            {
                if (request.Path == path)
                {
                    context.Response.StatusCode = receiverStatus;
                    return Task.CompletedTask;
                }

                return previous(request, context);
            };
        }

        using var admin = fixture.App.NewClient(tenant.AdminToken);
        var body = WebhookBody(name);
        body["payloadUrl"] = new Uri(fixture.Receiver.BaseAddress, path.TrimStart('/')).ToString();
        body["eventTypes"] = new JsonArray([.. (events ?? ["so.created"]).Select(e => (JsonNode)e)]);
        await admin.CreateWebhookAsync(body);
        return (tenant, path);
    }

    /// <summary>A client of the API queue, signed in with an integration's queue credentials (Basic).</summary>
    public static HttpClient NewQueueClient(this PortalAppFactory app, string user, string password)
    {
        var client = app.NewClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        return client;
    }

    public static async Task<int> CreateIntegrationAsync(this HttpClient support, int companyId, string kind, string name)
    {
        var integration = await support.SendJsonAsync(HttpMethod.Post, "api/integrations", new { companyId, kind, name }, HttpStatusCode.Created);
        return integration.GetProperty("id").GetInt32();
    }

    /// <summary>A valid webhook body with Basic authentication; change fields before sending.</summary>
    public static JsonObject WebhookBody(string name = "ERP production") => new()
    {
        ["name"] = name,
        ["payloadUrl"] = "https://erp.example.com/jakamo/webhook",
        ["authMethod"] = "Basic",
        ["basicUserName"] = "jakamo",
        ["basicPassword"] = BasicPassword,
        ["eventSelection"] = "Selected",
        ["eventTypes"] = new JsonArray("so.created"),
        ["enabled"] = true,
    };

    /// <summary>Creates a webhook and returns the whole save result.</summary>
    public static Task<JsonElement> CreateWebhookAsync(this HttpClient client, JsonObject? body = null) =>
        client.SendJsonAsync(HttpMethod.Post, "api/webhooks", body ?? WebhookBody(), HttpStatusCode.Created);

    /// <summary>Sends <paramref name="body"/> as JSON, asserts the status and returns the parsed answer.</summary>
    public static async Task<JsonElement> SendJsonAsync(this HttpClient client, HttpMethod method, string path, object? body, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{method} {path}: expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    public static async Task<HttpResponseMessage> SendAsync(this HttpClient client, HttpMethod method, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        return await client.SendAsync(request);
    }

    /// <summary>Posts or puts a body exactly as written, for malformed JSON.</summary>
    public static async Task<HttpResponseMessage> SendRawJsonAsync(this HttpClient client, HttpMethod method, string path, string json)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative))
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        return await client.SendAsync(request);
    }

    /// <summary>Asserts an RFC 9457 problem-details answer with <paramref name="status"/> and returns its body.</summary>
    public static async Task<JsonElement> AssertProblemAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"Expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement.Clone();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        return problem;
    }

    /// <summary>The validation messages for <paramref name="field"/>, as the app names it in <c>errors</c>.</summary>
    public static string[] FieldErrors(this JsonElement problem, string field)
    {
        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out var messages), $"Expected an error for '{field}', got: {errors}");
        return [.. messages.EnumerateArray().Select(m => m.GetString()!)];
    }

    public static async Task<int> CountWebhooksAsync(this PortalAppFactory app, int companyId)
    {
        await using var db = await app.NewDbAsync();
        return await db.Webhooks.CountAsync(w => w.CompanyId == companyId);
    }

    public static Task<PortalDbContext> NewDbAsync(this PortalAppFactory app) =>
        app.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();

    public static int Id(this JsonElement element) => element.GetProperty("id").GetInt32();
}
