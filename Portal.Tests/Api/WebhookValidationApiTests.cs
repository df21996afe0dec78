using System.Net;
using System.Text.Json.Nodes;
using Jakamo.Portal.Tests.Infrastructure;

namespace Jakamo.Portal.Tests.Api;

/// <summary>Bad webhook input gets problem details that name the problem, and nothing is stored.</summary>
public sealed class WebhookValidationApiTests(PortalAppFixture fixture) : IClassFixture<PortalAppFixture>
{
    private readonly PortalAppFactory _app = fixture.App;

    [Theory]
    [InlineData("""{"name":"ERP","payloadUrl":"https://erp.example.com/hook",""", "$")]
    [InlineData("""not json at all""", "$")]
    [InlineData("""{"name":"ERP","payloadUrl":"https://erp.example.com/hook","authMethod":"None","eventTypes":["so.created"],"enabled":"yes"}""", "$.enabled")]
    [InlineData("""{"name":"ERP","payloadUrl":"https://erp.example.com/hook","authMethod":"None","eventTypes":"so.created"}""", "$.eventTypes")]
    [InlineData("""{"name":42,"payloadUrl":"https://erp.example.com/hook","authMethod":"None","eventTypes":["so.created"]}""", "$.name")]
    [InlineData("""{"name":"ERP","payloadUrl":"https://erp.example.com/hook","authMethod":"Kerberos","eventTypes":["so.created"]}""", "$.authMethod")]
    [InlineData("""{"name":"ERP","payloadUrl":"https://erp.example.com/hook","authMethod":"None","eventSelection":"Some","eventTypes":["so.created"]}""", "$.eventSelection")]
    public async Task Create_AnswersBadRequest_ForUnreadableJson(string json, string path)
    {
        var tenant = await _app.NewTenantAsync();
        using var client = _app.NewClient(tenant.AdminToken);

        using var response = await client.SendRawJsonAsync(HttpMethod.Post, "api/webhooks", json);

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        var detail = problem.GetProperty("detail").GetString();
        Assert.StartsWith("The JSON body is invalid", detail, StringComparison.Ordinal);
        Assert.Contains($"Path: {path}", detail, StringComparison.Ordinal);
        Assert.Equal(0, await _app.CountWebhooksAsync(tenant.CompanyId));
    }

    [Theory]
    [InlineData("")]
    [InlineData("null")]
    public async Task Create_AnswersBadRequest_WhenTheBodyIsMissing(string json)
    {
        var tenant = await _app.NewTenantAsync();
        using var client = _app.NewClient(tenant.AdminToken);

        using var response = await client.SendRawJsonAsync(HttpMethod.Post, "api/webhooks", json);

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("A JSON body is required", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await _app.CountWebhooksAsync(tenant.CompanyId));
    }

    [Fact]
    public async Task Create_AnswersUnsupportedMediaType_ForABodyThatIsNotJson()
    {
        var tenant = await _app.NewTenantAsync();
        using var client = _app.NewClient(tenant.AdminToken);
        using var content = new StringContent("name=ERP&payloadUrl=https://erp.example.com/hook", System.Text.Encoding.UTF8, "application/x-www-form-urlencoded");

        using var response = await client.PostAsync(new Uri("api/webhooks", UriKind.Relative), content);

        await response.AssertProblemAsync(HttpStatusCode.UnsupportedMediaType);
        Assert.Equal(0, await _app.CountWebhooksAsync(tenant.CompanyId));
    }

    [Fact]
    public async Task Update_AnswersBadRequest_ForUnreadableJson_AndKeepsTheWebhook()
    {
        var tenant = await _app.NewTenantAsync();
        using var client = _app.NewClient(tenant.AdminToken);
        var id = (await client.CreateWebhookAsync()).GetProperty("webhook").Id();

        using var response = await client.SendRawJsonAsync(HttpMethod.Put, $"api/webhooks/{id}", """{"name":"Renamed","enabled":"yes"}""");

        await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        var stored = await client.SendJsonAsync(HttpMethod.Get, $"api/webhooks/{id}", null, HttpStatusCode.OK);
        Assert.Equal("ERP production", stored.GetProperty("name").GetString());
    }

    [Theory]
    [InlineData("name", null, "name", "required")]
    [InlineData("name", "\"   \"", "name", "required")]
    [InlineData("payloadUrl", null, "payloadUrl", "required")]
    [InlineData("payloadUrl", "\"http://erp.example.com/hook\"", "payloadUrl", "https")]
    [InlineData("payloadUrl", "\"https://user:pass@erp.example.com/hook\"", "payloadUrl", "user name or password")]
    [InlineData("payloadUrl", "\"/relative/hook\"", "payloadUrl", "absolute URL")]
    [InlineData("payloadUrl", "\"ftp://erp.example.com/hook\"", "payloadUrl", "absolute URL")]
    [InlineData("eventTypes", "[]", "eventTypes", "at least one event")]
    [InlineData("eventTypes", "[\"so.created\",\"order.exploded\"]", "eventTypes", "order.exploded")]
    [InlineData("eventTypes", "null", "eventTypes", "at least one event")]
    [InlineData("eventTypes", "[null]", "eventTypes", "Unknown event type")]
    [InlineData("authMethod", "99", "authMethod", "authentication method")]
    [InlineData("basicUserName", "\"user:name\"", "basicUserName", "colon")]
    [InlineData("basicPassword", null, "basicPassword", "required")]
    public async Task Create_AnswersValidationProblem_NamingTheField(string property, string? jsonValue, string field, string messagePart)
    {
        var tenant = await _app.NewTenantAsync();
        using var client = _app.NewClient(tenant.AdminToken);
        var body = ApiTenants.WebhookBody();
        body[property] = jsonValue is null ? null : JsonNode.Parse(jsonValue);

        using var response = await client.SendAsync(HttpMethod.Post, "api/webhooks", body);

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(problem.FieldErrors(field), m => m.Contains(messagePart, StringComparison.OrdinalIgnoreCase));
        Assert.Contains(messagePart, problem.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(0, await _app.CountWebhooksAsync(tenant.CompanyId));
    }

    [Fact]
    public async Task Create_ReportsEveryBrokenField_AtOnce()
    {
        var tenant = await _app.NewTenantAsync();
        using var client = _app.NewClient(tenant.AdminToken);
        var body = ApiTenants.WebhookBody();
        body["name"] = "";
        body["payloadUrl"] = "http://erp.example.com/hook";
        body["eventTypes"] = new JsonArray();

        using var response = await client.SendAsync(HttpMethod.Post, "api/webhooks", body);

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(
            ["eventTypes", "name", "payloadUrl"],
            problem.GetProperty("errors").EnumerateObject().Select(e => e.Name).Order(StringComparer.Ordinal));
        Assert.Equal(0, await _app.CountWebhooksAsync(tenant.CompanyId));
    }

    [Fact]
    public async Task Create_RefusesAVeryLongName_WithoutStoringIt()
    {
        var tenant = await _app.NewTenantAsync();
        using var client = _app.NewClient(tenant.AdminToken);

        using var response = await client.SendAsync(HttpMethod.Post, "api/webhooks", ApiTenants.WebhookBody(new string('x', 10_000)));

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(problem.FieldErrors("name"), m => m.Contains("at most 100 characters", StringComparison.Ordinal));
        Assert.DoesNotContain(new string('x', 200), problem.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, await _app.CountWebhooksAsync(tenant.CompanyId));
    }

    [Fact]
    public async Task Create_AcceptsANameOfExactlyTheMaximumLength()
    {
        var tenant = await _app.NewTenantAsync();
        using var client = _app.NewClient(tenant.AdminToken);
        var name = new string('n', 100);

        var created = await client.CreateWebhookAsync(ApiTenants.WebhookBody(name));

        Assert.Equal(name, created.GetProperty("webhook").GetProperty("name").GetString());
    }

    [Fact]
    public async Task Create_RefusesADuplicateName_InTheSameCompany()
    {
        var tenant = await _app.NewTenantAsync();
        using var client = _app.NewClient(tenant.AdminToken);
        await client.CreateWebhookAsync(ApiTenants.WebhookBody("ERP production"));

        using var response = await client.SendAsync(HttpMethod.Post, "api/webhooks", ApiTenants.WebhookBody("  ERP production "));

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(problem.FieldErrors("name"), m => m.Contains("already has a webhook named 'ERP production'", StringComparison.Ordinal));
        Assert.Equal(1, await _app.CountWebhooksAsync(tenant.CompanyId));
    }

    [Fact]
    public async Task Update_RefusesTheNameOfAnotherWebhook_InTheSameCompany()
    {
        var tenant = await _app.NewTenantAsync();
        using var client = _app.NewClient(tenant.AdminToken);
        await client.CreateWebhookAsync(ApiTenants.WebhookBody("First"));
        var second = (await client.CreateWebhookAsync(ApiTenants.WebhookBody("Second"))).GetProperty("webhook").Id();

        using var response = await client.SendAsync(HttpMethod.Put, $"api/webhooks/{second}", ApiTenants.WebhookBody("First"));

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.NotEmpty(problem.FieldErrors("name"));
        var stored = await client.SendJsonAsync(HttpMethod.Get, $"api/webhooks/{second}", null, HttpStatusCode.OK);
        Assert.Equal("Second", stored.GetProperty("name").GetString());
    }

    [Fact]
    public async Task Create_AllowsTheSameName_InAnotherCompany()
    {
        var (a, b) = (await _app.NewTenantAsync(), await _app.NewTenantAsync());
        using var clientA = _app.NewClient(a.AdminToken);
        using var clientB = _app.NewClient(b.AdminToken);

        await clientA.CreateWebhookAsync(ApiTenants.WebhookBody("Shared name"));
        await clientB.CreateWebhookAsync(ApiTenants.WebhookBody("Shared name"));

        Assert.Equal(1, await _app.CountWebhooksAsync(a.CompanyId));
        Assert.Equal(1, await _app.CountWebhooksAsync(b.CompanyId));
    }

    [Fact]
    public async Task Create_AcceptsAllEvents_WithoutSelectedEventTypes()
    {
        var tenant = await _app.NewTenantAsync();
        using var client = _app.NewClient(tenant.AdminToken);
        var body = ApiTenants.WebhookBody();
        body["eventSelection"] = "All";
        body["eventTypes"] = new JsonArray();

        var created = await client.CreateWebhookAsync(body);

        Assert.Equal("All", created.GetProperty("webhook").GetProperty("eventSelection").GetString());
        Assert.Equal("All events", created.GetProperty("webhook").GetProperty("eventSummary").GetString());
    }
}
