using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Jakamo.Portal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Jakamo.Portal.Tests.Api;

/// <summary>
/// Issue 6, bad input: hostile or broken requests to the events, batch, queue and management APIs. Each gets a 4xx
/// problem-details answer, nothing is stored, in part or whole, and the server keeps serving.
/// </summary>
public sealed class BadInputApiTests(DeliveryAppFixture fixture) : IClassFixture<DeliveryAppFixture>, IAsyncLifetime
{
    // The bodies and paths name {company}, {integration} and {webhook}; each test swaps in its own tenant's ids, so only
    // the mutation is wrong.
    private const string ValidEvent = """{"type":"so.created","integrationId":{integration},"contentType":"application/xml","payload":"<Order/>"}""";
    private const string ValidWebhook = """{"companyId":{company},"name":"ERP","payloadUrl":"https://erp.example.com/hook","authMethod":"None","eventSelection":"All","enabled":true}""";
    private const string QueuePassword = "bad-input-queue-password";

    // Bodies larger than a limit are written as these markers and made only when sent, so the test data stays small.
    private const string OneMiBAndAByte = "{1 MiB + 1 byte}";
    private const string TwoMiB = "{2 MiB}";

    private static readonly string Long = new('x', 10_000);

    private ApiTenant _tenant = default!;
    private int _webhookId;

    /// <summary>Who sends a request: the platform (events API key), support or the tenant's admin (tokens), or the
    /// tenant's integration client (Basic auth with its queue credentials).</summary>
    public enum Caller
    {
        Platform,
        Support,
        Admin,
        QueueClient,
    }

    public async Task InitializeAsync()
    {
        _tenant = await fixture.App.NewTenantAsync();
        using var support = fixture.App.NewClient(PortalAppFactory.SupportToken);
        await support.SendJsonAsync(HttpMethod.Put, $"api/integrations/{_tenant.IntegrationId}/credentials",
            new { userName = QueueUser, password = QueuePassword }, HttpStatusCode.OK);
        var webhook = ApiTenants.WebhookBody($"Existing {_tenant.CompanyId}");
        webhook["companyId"] = _tenant.CompanyId;
        _webhookId = (await support.CreateWebhookAsync(webhook)).GetProperty("webhook").Id();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private string QueueUser => $"bad-input-{_tenant.CompanyId}";

    [Theory]
    [InlineData(Caller.Platform, "POST", "api/events", ValidEvent)]
    [InlineData(Caller.Platform, "POST", "api/events/batch", $$"""{"events":[{{ValidEvent}}]}""")]
    [InlineData(Caller.Support, "POST", "api/webhooks", ValidWebhook)]
    [InlineData(Caller.Admin, "PUT", "api/webhooks/{webhook}", ValidWebhook)]
    [InlineData(Caller.Support, "POST", "api/companies", """{"name":"Valid Oy {company}"}""")]
    [InlineData(Caller.Support, "POST", "api/companies/{company}/admins", """{"email":"second-{company}@example.com"}""")]
    [InlineData(Caller.Support, "POST", "api/integrations", """{"companyId":{company},"kind":"Asn","name":"ASN {company}"}""")]
    [InlineData(Caller.Admin, "POST", "api/integrations/{integration}/company-mappings", """{"externalCode":"P-1","jakamoCompanyId":{company}}""")]
    [InlineData(Caller.Admin, "POST", "api/tokens", """{"name":"ci"}""")]
    [InlineData(Caller.Support, "POST", "api/firewall-openings", """{"host":"erp-{company}.example.com","note":"x"}""")]
    [InlineData(Caller.Support, "GET", "api/deliveries?status=Failed&page=2&pageSize=10", "")]
    public async Task TheRequestsTheBadInputsAreMadeFrom_AreAccepted(Caller caller, string method, string path, string body)
    {
        using var response = await SendAsync(caller, method, path, body);

        Assert.True(response.IsSuccessStatusCode, $"{method} {path} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>Every bad input tried: who sends it, the method, the path and the body exactly as sent.</summary>
    public static TheoryData<Caller, string, string, string> Inputs()
    {
        var data = new TheoryData<Caller, string, string, string>();
        void Add(Caller caller, string path, string json, string method = "POST") => data.Add(caller, method, path, json);
        static string Swap(string json, string from, string to) => json.Replace(from, to, StringComparison.Ordinal);

        const string Event = ValidEvent;
        foreach (var (path, wrap) in new (string, Func<string, string>)[] { ("api/events", e => e), ("api/events/batch", e => $$"""{"events":[{{Event}},{{e}}]}""") })
        {
            // Malformed JSON, wrong types and missing fields.
            Add(Caller.Platform, path, wrap("""{"type":"so.created","""));
            Add(Caller.Platform, path, wrap("""{"type":7,"integrationId":"one","payload":{}}"""));
            Add(Caller.Platform, path, wrap("{}"));
            Add(Caller.Platform, path, wrap(Swap(Event, "{integration}", "1e400")));
            Add(Caller.Platform, path, wrap(Event + "x"));
            Add(Caller.Platform, path, wrap(Swap(Event, "\"payload\":\"<Order/>\"", "\"payload\":\"\"")));

            // Unknown event types, and known ones made unknown by control characters and odd Unicode.
            Add(Caller.Platform, path, wrap(Swap(Event, "so.created", "so.exploded")));
            Add(Caller.Platform, path, wrap(Swap(Event, "so.created", "so.created\\u0000")));
            Add(Caller.Platform, path, wrap(Swap(Event, "so.created", "so.cre\\u200Bated")));
            Add(Caller.Platform, path, wrap(Swap(Event, "so.created", "ѕo.created")));
            Add(Caller.Platform, path, wrap(Swap(Event, "so.created", "so.created'; DROP TABLE Events;--")));

            // Content types that would smuggle a header or markup into the outbound request.
            Add(Caller.Platform, path, wrap(Swap(Event, "application/xml", "application/xml\\r\\nX-Injected: 1")));
            Add(Caller.Platform, path, wrap(Swap(Event, "application/xml", "<script>alert(1)</script>")));

            // Ids that are not there, and 10,000-character strings.
            Add(Caller.Platform, path, wrap(Swap(Event, "{integration}", "2147483647")));
            Add(Caller.Platform, path, wrap(Swap(Event, "}", $",\"reference\":\"{Long}\"}}")));
            Add(Caller.Platform, path, wrap(Swap(Event, "}", $",\"externalId\":\"{Long}\"}}")));
            Add(Caller.Platform, path, wrap(Swap(Event, "}", ",\"externalId\":\"erp-\\uD800\"}")));
        }

        Add(Caller.Platform, "api/events", "[]");
        Add(Caller.Platform, "api/events", "null");
        Add(Caller.Platform, "api/events", new string('[', 10_000) + new string(']', 10_000));
        Add(Caller.Platform, "api/events", Swap(Event, "<Order/>", OneMiBAndAByte));
        Add(Caller.Platform, "api/events/batch", """{"events":"all of them"}""");
        Add(Caller.Platform, "api/events/batch", """{"events":[]}""");
        Add(Caller.Platform, "api/events/batch", """{"events":null}""");
        Add(Caller.Platform, "api/events/batch", $$"""{"events":[{{string.Join(',', Enumerable.Repeat(Event, 1_001))}}]}""");

        const string Webhook = ValidWebhook;
        foreach (var (method, path) in new[] { ("POST", "api/webhooks"), ("PUT", "api/webhooks/{webhook}") })
        {
            Add(Caller.Support, path, """{"name":""", method);
            Add(Caller.Support, path, Swap(Webhook, "\"ERP\"", $"\"{Long}\""), method);
            Add(Caller.Support, path, Swap(Webhook, "\"ERP\"", "\"ERP\\u0007\""), method);
            Add(Caller.Support, path, Swap(Webhook, "\"ERP\"", "\"ERP \\u202Eexe.gnp\""), method);
            Add(Caller.Support, path, Swap(Webhook, "\"ERP\"", "\"ERP \\uDC00\""), method);
            Add(Caller.Support, path, Swap(Webhook, "\"ERP\"", "7"), method);
            Add(Caller.Support, path, Swap(Webhook, "https://erp.example.com/hook", $"https://erp.example.com/{Long}"), method);
            Add(Caller.Support, path, Swap(Webhook, "https://erp.example.com/hook", "javascript:alert(1)"), method);
            Add(Caller.Support, path, Swap(Webhook, "https://erp.example.com/hook", "https://erp.example.com/hook\\r\\nHost: evil"), method);
            Add(Caller.Support, path, Swap(Webhook, "\"None\"", "\"Telepathy\""), method);
            Add(Caller.Support, path, Swap(Webhook, "{company}", "\"1 OR 1=1\""), method);
            Add(Caller.Support, path, Swap(Webhook, "\"All\"", "\"Selected\",\"eventTypes\":[\"so.created\",\"<img src=x onerror=alert(1)>\"]"), method);
            Add(Caller.Support, path, Swap(Webhook, "\"All\"", $"\"Selected\",\"eventTypes\":[{string.Join(',', Enumerable.Repeat("\"so.exploded\"", 5_000))}]"), method);
            Add(Caller.Support, path, Swap(Webhook, "\"None\"", $"\"ApiKey\",\"apiKeyHeaderName\":\"X-Key\\r\\nX-Evil\",\"apiKeyValue\":\"v\""), method);
            Add(Caller.Support, path, Swap(Webhook, "\"enabled\":true", $"\"enabled\":true,\"padding\":\"{TwoMiB}\""), method);
        }

        Add(Caller.Support, "api/companies", $$"""{"name":"{{Long}}"}""");
        Add(Caller.Support, "api/companies", """{"name":"   "}""");
        Add(Caller.Support, "api/companies", """{"name":17}""");
        Add(Caller.Support, "api/companies", """{"name":"Tab\tOy"}""");
        Add(Caller.Support, "api/companies/{company}/admins", """{"email":"not-an-email"}""");
        Add(Caller.Support, "api/companies/{company}/admins", $$"""{"email":"{{Long}}@example.com"}""");
        Add(Caller.Support, "api/companies/{company}/admins", """{"email":"a@example.com\r\nBcc: all@example.com"}""");
        Add(Caller.Support, "api/integrations", """{"companyId":{company},"kind":"Telepathy","name":"X"}""");
        Add(Caller.Support, "api/integrations", $$"""{"companyId":{company},"kind":"SalesOrder","name":"{{Long}}"}""");
        Add(Caller.Support, "api/integrations", """{"companyId":{company},"kind":"SalesOrder","name":"<script>alert(1)</script>\u0000"}""");
        Add(Caller.Support, "api/integrations/{integration}/credentials", """{"userName":"has:colon","password":"long-enough-password"}""", "PUT");
        Add(Caller.Support, "api/integrations/{integration}/credentials", $$"""{"userName":"{{Long}}","password":"long-enough-password"}""", "PUT");
        Add(Caller.Support, "api/integrations/{integration}/credentials", """{"userName":"erp","password":""}""", "PUT");
        Add(Caller.Support, "api/integrations/{integration}/webhook-integration", """{"designated":"yes"}""", "PUT");
        Add(Caller.Admin, "api/integrations/{integration}/company-mappings", Swap("""{"externalCode":"LONG","jakamoCompanyId":{company}}""", "LONG", Long));
        Add(Caller.Admin, "api/integrations/{integration}/company-mappings", """{"externalCode":"P-1","jakamoCompanyId":"x"}""");
        Add(Caller.Admin, "api/integrations/{integration}/company-mappings", """{"externalCode":"P-1\u0000","jakamoCompanyId":{company}}""");
        Add(Caller.Admin, "api/integrations/{integration}/user-mappings", """{"externalUserId":"u-1","jakamoUserName":"nobody@example.com' OR '1'='1"}""");
        Add(Caller.Admin, "api/integrations/{integration}/user-mappings", $$"""{"externalUserId":"{{Long}}","jakamoUserName":"nobody@example.com"}""");
        Add(Caller.Admin, "api/tokens", $$"""{"name":"{{Long}}"}""");
        Add(Caller.Admin, "api/tokens", """{"name":""}""");
        Add(Caller.Admin, "api/tokens", """{"name":["a","b"]}""");
        Add(Caller.Support, "api/firewall-openings", """{"host":"127.0.0.1; DROP TABLE FirewallOpenings","note":"x"}""");
        Add(Caller.Support, "api/firewall-openings", $$"""{"host":"{{Long}}.example.com","note":"x"}""");
        Add(Caller.Support, "api/firewall-openings", """{"host":"<img src=x onerror=alert(1)>","note":"x"}""");
        Add(Caller.Support, "api/firewall-openings", $$"""{"host":"erp.example.com","note":"{{Long}}"}""");
        Add(Caller.Support, "api/deliveries/resend", """{"status":"Exploded"}""");
        Add(Caller.Support, "api/deliveries/resend", """{"from":"yesterday"}""");
        Add(Caller.Support, "api/deliveries/resend", """{"webhookId":"all"}""");
        Add(Caller.Support, "api/deliveries?status=Exploded", "", "GET");
        Add(Caller.Support, "api/deliveries?from=yesterday", "", "GET");
        Add(Caller.Support, "api/deliveries?page=0", "", "GET");
        Add(Caller.Support, "api/deliveries?pageSize=1000000", "", "GET");
        Add(Caller.Support, "api/deliveries/not-a-number/resend", "");
        Add(Caller.Support, "api/deliveries/99999999999999999999999/resend", "");

        Add(Caller.QueueClient, "api/queue/not-a-number/ack", "");
        Add(Caller.QueueClient, "api/queue/-1/ack", "");
        Add(Caller.QueueClient, "api/queue/99999999999999999999999/ack", "");
        Add(Caller.QueueClient, "api/queue/1%27%20OR%201=1/ack", "");
        return data;
    }

    /// <summary>How many bad inputs <see cref="BadInput_GetsAProblemAnswer_StoresNothing_AndTheServerKeepsServing"/>
    /// tries, for the README's figure.</summary>
    public static int InputCount => Inputs().Count;

    [Theory]
    [MemberData(nameof(Inputs))]
    public async Task BadInput_GetsAProblemAnswer_StoresNothing_AndTheServerKeepsServing(Caller caller, string method, string path, string body)
    {
        var before = await StoredRowsAsync();

        using var response = await SendAsync(caller, method, path, body);

        var status = (int)response.StatusCode;
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status is >= 400 and < 500, $"{method} {path} answered {status}: {text[..Math.Min(text.Length, 500)]}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
        Assert.Equal(before, await StoredRowsAsync());
        using var health = await fixture.App.NewClient().GetAsync(new Uri("healthz", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Theory]
    [InlineData("Basic !!!not-base64")]
    [InlineData("Basic Og==")]
    [InlineData("Basic AAAA")]
    [InlineData("Bearer ' OR 1=1 --")]
    public async Task QueueApi_WithBrokenCredentials_AnswersUnauthorizedProblem(string authorization)
    {
        using var client = fixture.App.NewClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("api/queue", UriKind.Relative));
        request.Headers.TryAddWithoutValidation("Authorization", authorization);

        using var response = await client.SendAsync(request);

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    private async Task<HttpResponseMessage> SendAsync(Caller caller, string method, string path, string body)
    {
        using var client = caller switch
        {
            Caller.Platform => fixture.PlatformClient(),
            Caller.Support => fixture.App.NewClient(PortalAppFactory.SupportToken),
            Caller.Admin => fixture.App.NewClient(_tenant.AdminToken),
            _ => fixture.App.NewClient(),
        };
        if (caller == Caller.QueueClient)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
                "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{QueueUser}:{QueuePassword}")));
        }

        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(ForTenant(path), UriKind.Relative));
        if (method != "GET")
        {
            request.Content = new StringContent(ForTenant(body), Encoding.UTF8, "application/json");
        }

        return await client.SendAsync(request);
    }

    private string ForTenant(string text) => text
        .Replace(OneMiBAndAByte, new string('x', 1024 * 1024 + 1), StringComparison.Ordinal)
        .Replace(TwoMiB, new string('x', 2 * 1024 * 1024), StringComparison.Ordinal)
        .Replace("{integration}", _tenant.IntegrationId.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace("{company}", _tenant.CompanyId.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace("{webhook}", _webhookId.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);

    /// <summary>The row count of every table a request could write to, and the newest audit entry: equal before and after
    /// means nothing was stored.</summary>
    private async Task<string> StoredRowsAsync()
    {
        await using var db = await fixture.App.NewDbAsync();
        var counts = new[]
        {
            await db.Events.CountAsync(), await db.Deliveries.CountAsync(), await db.Attempts.CountAsync(), await db.QueueMessages.CountAsync(),
            await db.Webhooks.CountAsync(), await db.WebhookEventTypes.CountAsync(), await db.Companies.CountAsync(), await db.Integrations.CountAsync(),
            await db.CompanyMappings.CountAsync(), await db.UserMappings.CountAsync(), await db.FirewallOpenings.CountAsync(), await db.ApiTokens.CountAsync(),
            await db.Users.CountAsync(), await db.AuditEntries.CountAsync(),
        };
        var webhook = await db.Webhooks.AsNoTracking().SingleAsync(w => w.Id == _webhookId);
        var integration = await db.Integrations.AsNoTracking().SingleAsync(i => i.Id == _tenant.IntegrationId);
        return $"{string.Join(',', counts)} webhook {webhook.Name}|{webhook.PayloadUrl}|{webhook.AuthMethod}|{webhook.Enabled} " +
            $"integration {integration.Name}|{integration.QueueUserName}";
    }
}
