using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Jakamo.Portal.Tests.Infrastructure;

namespace Jakamo.Portal.Tests.Api;

/// <summary>Events in through the API, out through Hangfire to a real receiver, and read back from the transport log.</summary>
public sealed class EventsAndDeliveriesApiTests(DeliveryAppFixture fixture) : IClassFixture<DeliveryAppFixture>
{
    private readonly PortalAppFactory _app = fixture.App;

    [Fact]
    public async Task PostedEvent_IsDeliveredThroughTheJobs_AndShowsInTheTransportLog()
    {
        var (tenant, path) = await fixture.NewTenantWithWebhookAsync();
        using var platform = fixture.PlatformClient();

        var accepted = await platform.SendJsonAsync(HttpMethod.Post, "api/events",
            new { type = "so.created", integrationId = tenant.IntegrationId, contentType = "application/xml", payload = "<Order><ID>4711</ID></Order>", reference = "SO-4711" },
            HttpStatusCode.Accepted);
        var eventId = accepted.GetProperty("eventId").GetInt64();
        Assert.Equal(1, accepted.GetProperty("deliveries").GetInt32());

        await Poll.UntilAsync(() => Task.FromResult(fixture.Receiver.Requests.Any(r => r.Path == path)), TimeSpan.FromSeconds(20), "the receiver got the event");
        using var admin = _app.NewClient(tenant.AdminToken);
        JsonElement row = default;
        await Poll.UntilAsync(async () =>
        {
            var page = await admin.SendJsonAsync(HttpMethod.Get, "api/deliveries?search=SO-4711", null, HttpStatusCode.OK);
            row = page.GetProperty("items").EnumerateArray().FirstOrDefault();
            return row.ValueKind == JsonValueKind.Object && row.GetProperty("status").GetString() == "Succeeded";
        }, TimeSpan.FromSeconds(20), "the delivery is recorded as succeeded");

        Assert.Equal(eventId, row.GetProperty("eventId").GetInt64());
        var detail = await admin.SendJsonAsync(HttpMethod.Get, $"api/deliveries/{row.GetProperty("id").GetInt64()}", null, HttpStatusCode.OK);
        var attempt = Assert.Single(detail.GetProperty("attempts").EnumerateArray());
        Assert.Equal("First", attempt.GetProperty("trigger").GetString());
        Assert.Equal(200, attempt.GetProperty("responseStatus").GetInt32());
        var authorization = attempt.GetProperty("requestHeaders").EnumerateArray().Single(h => h.GetProperty("name").GetString() == "Authorization");
        Assert.Equal("Basic ••••••", authorization.GetProperty("value").GetString());
        Assert.DoesNotContain(ApiTenants.BasicPassword, detail.GetRawText(), StringComparison.Ordinal);

        // Support finds the job on the dashboard by a readable name.
        using var support = _app.NewClient(PortalAppFactory.SupportToken);
        await Poll.UntilAsync(
            async () => WebUtility.HtmlDecode(await support.GetStringAsync(new Uri("hangfire/jobs/succeeded", UriKind.Relative)))
                .Contains("Deliver 1 so.created → ERP production", StringComparison.Ordinal),
            TimeSpan.FromSeconds(10),
            "the job is listed as succeeded under its readable name");
    }

    [Fact]
    public async Task EventsApi_RefusesMissingOrWrongKeys()
    {
        using var anonymous = _app.NewClient();
        using var response = await anonymous.SendAsync(HttpMethod.Post, "api/events", new { type = "so.created" });
        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);

        anonymous.DefaultRequestHeaders.Add("X-Api-Key", "wrong-key");
        using var wrong = await anonymous.SendAsync(HttpMethod.Post, "api/events", new { type = "so.created" });
        await wrong.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("{\"type\":\"so.created\",", "$")]
    [InlineData("{\"type\":\"so.created\",\"integrationId\":\"seven\"}", "$.integrationId")]
    public async Task EventsApi_AnswersBadRequest_ForUnreadableJson(string json, string path)
    {
        using var platform = fixture.PlatformClient();

        using var response = await platform.SendRawJsonAsync(HttpMethod.Post, "api/events", json);

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(path, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EventsApi_AnswersValidationProblem_NamingEachBadField()
    {
        using var platform = fixture.PlatformClient();

        using var response = await platform.SendAsync(HttpMethod.Post, "api/events", new { type = "order.exploded", integrationId = 0, contentType = "not a type", payload = "" });

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["contentType", "integrationId", "payload", "type"], problem.GetProperty("errors").EnumerateObject().Select(e => e.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task EventsApi_AnswersPayloadTooLarge_AboveTheLimit()
    {
        var (tenant, _) = await fixture.NewTenantWithWebhookAsync();
        using var platform = fixture.PlatformClient();
        var body = new { type = "so.created", integrationId = tenant.IntegrationId, contentType = "application/xml", payload = new string('x', 1024 * 1024 + 100_000) };

        using var response = await platform.SendAsync(HttpMethod.Post, "api/events", body);

        await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        using var admin = _app.NewClient(tenant.AdminToken);
        var page = await admin.SendJsonAsync(HttpMethod.Get, "api/deliveries", null, HttpStatusCode.OK);
        Assert.Equal(0, page.GetProperty("totalCount").GetInt32());
    }

    [Fact]
    public async Task EventsApi_ReturnsTheOriginalEvent_ForARepeatedExternalId()
    {
        var (tenant, _) = await fixture.NewTenantWithWebhookAsync();
        using var platform = fixture.PlatformClient();
        var body = new { type = "so.created", integrationId = tenant.IntegrationId, contentType = "application/xml", payload = "<o/>", externalId = "ERP-99" };

        var first = await platform.SendJsonAsync(HttpMethod.Post, "api/events", body, HttpStatusCode.Accepted);
        var again = await platform.SendJsonAsync(HttpMethod.Post, "api/events", body, HttpStatusCode.Accepted);

        Assert.Equal(first.GetProperty("eventId").GetInt64(), again.GetProperty("eventId").GetInt64());
        Assert.False(first.GetProperty("duplicate").GetBoolean());
        Assert.True(again.GetProperty("duplicate").GetBoolean());
        Assert.Equal(0, again.GetProperty("deliveries").GetInt32());
    }

    [Fact]
    public async Task Batch_AcceptsManyEvents_AndRefusesMoreThanTheLimit()
    {
        var (tenant, path) = await fixture.NewTenantWithWebhookAsync();
        using var platform = fixture.PlatformClient();
        var events = Enumerable.Range(0, 25).Select(i => new { type = "so.created", integrationId = tenant.IntegrationId, contentType = "application/xml", payload = $"<o>{i}</o>" }).ToArray();

        var accepted = await platform.SendJsonAsync(HttpMethod.Post, "api/events/batch", new { events }, HttpStatusCode.Accepted);
        Assert.Equal(25, accepted.GetArrayLength());
        await Poll.UntilAsync(() => Task.FromResult(fixture.Receiver.Requests.Count(r => r.Path == path) == 25), TimeSpan.FromSeconds(30), "all 25 arrived");

        var tooMany = Enumerable.Range(0, 1001).Select(_ => events[0]).ToArray();
        using var refused = await platform.SendAsync(HttpMethod.Post, "api/events/batch", new { events = tooMany });
        var problem = await refused.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("1 to 1000 events", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resend_ByTheCompanysAdminOrSupport_AddsAManualAttempt_AndAnotherCompanyGetsNotFound()
    {
        var (tenant, path) = await fixture.NewTenantWithWebhookAsync(events: ["so.changed"]);
        var other = await _app.NewTenantAsync();
        using var platform = fixture.PlatformClient();
        var accepted = await platform.SendJsonAsync(HttpMethod.Post, "api/events",
            new { type = "so.changed", integrationId = tenant.IntegrationId, contentType = "application/xml", payload = "<o/>" }, HttpStatusCode.Accepted);
        using var admin = _app.NewClient(tenant.AdminToken);
        var deliveryId = await WaitForDeliveryAsync(admin, accepted.GetProperty("eventId").GetInt64(), attempts: 1);

        using var intruder = _app.NewClient(other.AdminToken);
        using var refused = await intruder.SendAsync(HttpMethod.Post, $"api/deliveries/{deliveryId}/resend");
        await refused.AssertProblemAsync(HttpStatusCode.NotFound);
        using var hidden = await intruder.SendAsync(HttpMethod.Get, $"api/deliveries/{deliveryId}");
        await hidden.AssertProblemAsync(HttpStatusCode.NotFound);

        await admin.SendJsonAsync(HttpMethod.Post, $"api/deliveries/{deliveryId}/resend", null, HttpStatusCode.Accepted);
        await WaitForDeliveryAsync(admin, accepted.GetProperty("eventId").GetInt64(), attempts: 2);
        using var support = _app.NewClient(PortalAppFactory.SupportToken);
        await support.SendJsonAsync(HttpMethod.Post, $"api/deliveries/{deliveryId}/resend", null, HttpStatusCode.Accepted);
        await WaitForDeliveryAsync(admin, accepted.GetProperty("eventId").GetInt64(), attempts: 3);

        var detail = await admin.SendJsonAsync(HttpMethod.Get, $"api/deliveries/{deliveryId}", null, HttpStatusCode.OK);
        var attempts = detail.GetProperty("attempts").EnumerateArray().ToList();
        Assert.Equal(["First", "Manual", "Manual"], attempts.Select(a => a.GetProperty("trigger").GetString()));
        Assert.Equal(tenant.AdminEmail, attempts[1].GetProperty("triggeredBy").GetString());
        Assert.Equal("automation@jakamo.local", attempts[2].GetProperty("triggeredBy").GetString());
        Assert.Equal(3, fixture.Receiver.Requests.Count(r => r.Path == path));
    }

    [Fact]
    public async Task BulkResend_IsForSupport_AndReportsHowManyWereQueued()
    {
        var (tenant, path) = await fixture.NewTenantWithWebhookAsync(events: ["so.changed"], receiverStatus: 500);
        using var platform = fixture.PlatformClient();
        for (var i = 0; i < 3; i++)
        {
            await platform.SendJsonAsync(HttpMethod.Post, "api/events",
                new { type = "so.changed", integrationId = tenant.IntegrationId, contentType = "application/xml", payload = $"<o>{i}</o>" }, HttpStatusCode.Accepted);
        }

        using var admin = _app.NewClient(tenant.AdminToken);
        await Poll.UntilAsync(async () =>
            (await admin.SendJsonAsync(HttpMethod.Get, "api/deliveries?status=Failed", null, HttpStatusCode.OK)).GetProperty("totalCount").GetInt32() == 3,
            TimeSpan.FromSeconds(20), "three failed deliveries");

        using var forbidden = await admin.SendAsync(HttpMethod.Post, "api/deliveries/resend", new { companyId = tenant.CompanyId });
        await forbidden.AssertProblemAsync(HttpStatusCode.Forbidden);

        using var support = _app.NewClient(PortalAppFactory.SupportToken);
        var result = await support.SendJsonAsync(HttpMethod.Post, "api/deliveries/resend", new { companyId = tenant.CompanyId, status = "Failed" }, HttpStatusCode.Accepted);
        Assert.Equal(3, result.GetProperty("queued").GetInt32());
        await Poll.UntilAsync(() => Task.FromResult(fixture.Receiver.Requests.Count(r => r.Path == path) == 6), TimeSpan.FromSeconds(20), "three resends arrived");
    }

    [Fact]
    public async Task HangfireDashboard_IsForSupportOnly()
    {
        var tenant = await _app.NewTenantAsync();
        using var support = _app.NewClient(PortalAppFactory.SupportToken);
        using var admin = _app.NewClient(tenant.AdminToken);
        using var anonymous = _app.NewClient();

        using var forSupport = await support.GetAsync(new Uri("hangfire", UriKind.Relative));
        using var forAdmin = await admin.GetAsync(new Uri("hangfire", UriKind.Relative));
        using var forAnonymous = await anonymous.GetAsync(new Uri("hangfire", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, forSupport.StatusCode);
        var html = await forSupport.Content.ReadAsStringAsync();
        Assert.Contains("Jakamo Portal jobs", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Data Source=", html, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.Forbidden, forAdmin.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, forAnonymous.StatusCode);
    }

    [Fact]
    public async Task Health_CoversTheDatabaseAndTheJobs()
    {
        using var anonymous = _app.NewClient();
        using var response = await anonymous.GetAsync(new Uri("healthz", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    private static async Task<long> WaitForDeliveryAsync(HttpClient client, long eventId, int attempts)
    {
        long id = 0;
        await Poll.UntilAsync(async () =>
        {
            var page = await client.SendJsonAsync(HttpMethod.Get, $"api/deliveries?search={eventId}", null, HttpStatusCode.OK);
            var row = page.GetProperty("items").EnumerateArray().FirstOrDefault();
            if (row.ValueKind != JsonValueKind.Object)
            {
                return false;
            }

            id = row.GetProperty("id").GetInt64();
            return row.GetProperty("attemptCount").GetInt32() >= attempts && !row.GetProperty("resendRequested").GetBoolean();
        }, TimeSpan.FromSeconds(20), $"{attempts} attempt(s) of event {eventId}");
        return id;
    }
}
