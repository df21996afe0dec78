using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Jakamo.Portal.Core.Deliveries;
using Jakamo.Portal.Core.Demo;
using Jakamo.Portal.Core.Security;
using Jakamo.Portal.Tests.Api;
using Jakamo.Portal.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Jakamo.Portal.Tests.Browser;

/// <summary>
/// Issue 6, secrets: a full scenario (webhooks with every kind of secret deliver to a receiver that echoes what it got,
/// an OAuth2 token is fetched from a real token endpoint, the integration client reads its queue, an admin resends),
/// then every text column of the database, the log, the stored attempts and the rendered pages are scanned for each
/// secret and token, in plain text and in base64. None may be found, except a new signing secret in the one answer
/// that shows it once.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class SecretsAfterDeliveryTests(ChromiumFixture chromium) : IAsyncLifetime
{
    private const string PlatformKey = "secrets-platform-key-9f3e";
    private const string Events = "so.created";
    private const string SigningSecretShown = "POST api/webhooks (API-key webhook with a new signing secret)";
    private const int EventCount = 3;

    private readonly string _clientSecret = $"oauth-client-secret-{Guid.NewGuid():N}";
    private readonly string _accessToken = $"oauth-access-token-{Guid.NewGuid():N}";
    private readonly string _apiKey = $"api-key-value-{Guid.NewGuid():N}";
    private readonly string _queuePassword = $"queue-Pa55-{Guid.NewGuid():N}";
    private readonly SecretScanner _scanner = new();
    private ReceiverScenario _scenario = default!;
    private TestReceiver _tokenEndpoint = default!;
    private IPage _page = default!;

    private PortalAppFactory App => _scenario.App;

    public async Task InitializeAsync()
    {
        _scenario = await ReceiverScenario.StartAsync([Events], quietDemoWebhook: true, settings: new() { ["Portal:Events:ApiKeys:0"] = PlatformKey });
        _tokenEndpoint = await TestReceiver.StartAsync();
        _tokenEndpoint.Respond = (_, context) => context.Response.WriteAsJsonAsync(new { access_token = _accessToken, token_type = "Bearer", expires_in = 3600 });

        // The receiver answers with everything it was sent, headers and body, so a stored response would carry every secret.
        _scenario.Receiver.Respond = (request, context) =>
        {
            context.Response.Headers["X-Echo-Authorization"] = request.Headers.GetValueOrDefault("Authorization", "");
            return context.Response.WriteAsJsonAsync(new { headers = request.Headers, body = Encoding.UTF8.GetString(request.Body) });
        };
        _page = await chromium.NewPageAsync(App.BaseAddress);
    }

    [Fact]
    public async Task AfterAFullScenario_NoSecretIsInTheDatabase_TheLog_TheStoredAttempts_OrThePages()
    {
        RegisterSecrets();
        using var support = App.NewClient(PortalAppFactory.SupportToken);
        await CreateWebhooksWithEverySecretAsync(support);
        var adminToken = await App.Services.GetRequiredService<ApiTokenService>().CreateAsync(NordicAdminActor(), "ERP automation");
        _scanner.Add("personal API token", adminToken.PlainText);
        await support.SendJsonAsync(HttpMethod.Put, $"api/integrations/{SoProduction}/credentials",
            new { userName = "nordic-so-prod", password = _queuePassword }, HttpStatusCode.OK);

        await PublishAndDeliverAsync();
        AssertTheReceiverGotEverySecret();
        await ReadTheQueueAsTheIntegrationClientAsync();
        using var admin = App.NewClient(adminToken.PlainText);
        var deliveryIds = await DeliveryIdsAsync();
        await admin.SendJsonAsync(HttpMethod.Post, $"api/deliveries/{deliveryIds[0]}/resend", null, HttpStatusCode.Accepted);
        await Poll.UntilAsync(async () => await AttemptCountAsync() == deliveryIds.Count + 1, because: "the resend was made");

        await ScanTheDatabaseAsync();
        foreach (var id in deliveryIds)
        {
            _scanner.Scan($"GET api/deliveries/{id}", await support.GetStringAsync(new Uri($"api/deliveries/{id}", UriKind.Relative)));
        }

        await ScanThePagesAsync(deliveryIds.Count);
        Assert.NotEmpty(App.LogLines);
        foreach (var line in App.LogLines)
        {
            _scanner.Scan("the log", line);
        }

        _scanner.AssertNoLeaks(minimumTextsScanned: 200);
        Assert.Equal([SigningSecretShown], _scanner.PlacesOf("signing secret"));
    }

    private int SoProduction => _scenario.Demo.IntegrationIds[DemoData.SupplierSoProduction];

    private PortalActor NordicAdminActor()
    {
        using var scope = App.Services.CreateScope();
        var user = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<PortalUser>>().Users
            .Single(u => u.Email == PortalPageExtensions.NordicAdmin.Email);
        return new PortalActor(user.Id, user.Email!, IsSupport: false, user.CompanyId);
    }

    private void RegisterSecrets()
    {
        _scanner.Add("bootstrap support token", PortalAppFactory.SupportToken);
        _scanner.Add("events API key", PlatformKey);
        _scanner.Add("Basic password", "basic-secret-P4ss", "jakamo:basic-secret-P4ss");
        _scanner.Add("OAuth2 client secret", _clientSecret, $"jakamo-portal:{_clientSecret}");
        _scanner.Add("OAuth2 access token", _accessToken);
        _scanner.Add("API-key header value", _apiKey);
        _scanner.Add("queue password", _queuePassword, $"nordic-so-prod:{_queuePassword}");
        foreach (var login in PortalInitializer.DemoLogins)
        {
            _scanner.Add($"demo password of {login.Email}", login.Password);
        }
    }

    private async Task CreateWebhooksWithEverySecretAsync(HttpClient support)
    {
        var oauth = await support.SendJsonAsync(HttpMethod.Post, "api/webhooks", new
        {
            companyId = _scenario.Demo.NordicId,
            name = "ERP via OAuth2",
            payloadUrl = _scenario.Receiver.Url("oauth").ToString(),
            authMethod = "OAuth2ClientCredentials",
            oAuthTokenUrl = _tokenEndpoint.Url("oauth2/token").ToString(),
            oAuthClientId = "jakamo-portal",
            oAuthClientSecret = _clientSecret,
            eventSelection = "Selected",
            eventTypes = new[] { Events },
            enabled = true,
        }, HttpStatusCode.Created);
        _scanner.Scan("POST api/webhooks (OAuth2 webhook)", oauth.ToString());

        var apiKey = await support.SendJsonAsync(HttpMethod.Post, "api/webhooks", new
        {
            companyId = _scenario.Demo.NordicId,
            name = "ERP via API key",
            payloadUrl = _scenario.Receiver.Url("key").ToString(),
            authMethod = "ApiKeyHeader",
            apiKeyHeaderName = "X-Api-Key",
            apiKeyValue = _apiKey,
            eventSelection = "Selected",
            eventTypes = new[] { Events },
            enabled = true,
            generateSigningSecret = true,
        }, HttpStatusCode.Created);
        var signingSecret = apiKey.GetProperty("newSigningSecret").GetString()!;
        _scanner.Add("signing secret", signingSecret, signingSecret["whsec_".Length..]);
        _scanner.AllowAt("signing secret", SigningSecretShown);
        _scanner.Scan(SigningSecretShown, apiKey.ToString());
    }

    private async Task PublishAndDeliverAsync()
    {
        using var platform = App.NewClient();
        platform.DefaultRequestHeaders.Add("X-Api-Key", PlatformKey);
        var events = Enumerable.Range(1, EventCount).Select(i => new
        {
            type = Events,
            integrationId = SoProduction,
            contentType = "application/xml",
            payload = $"<Order><ID>SECRET-SCAN-{i}</ID></Order>",
            reference = $"SECRET-SCAN-{i}",
            queue = true,
        }).ToArray();
        await platform.SendJsonAsync(HttpMethod.Post, "api/events/batch", new { events }, HttpStatusCode.Accepted);
        await Poll.UntilAsync(async () =>
        {
            await using var db = await App.NewDbAsync();
            return await db.Deliveries.CountAsync(d => d.Status == DeliveryStatus.Succeeded) == EventCount * 3;
        }, TimeSpan.FromSeconds(30), "every delivery succeeded");
    }

    private void AssertTheReceiverGotEverySecret()
    {
        var received = _scenario.Receiver.Requests.ToList();
        Assert.Equal(EventCount * 3, received.Count);
        Assert.All(received.Where(r => r.Path == "/oauth"), r => Assert.Equal($"Bearer {_accessToken}", r.Header("Authorization")));
        Assert.All(received.Where(r => r.Path == "/key"), r =>
        {
            Assert.Equal(_apiKey, r.Header("X-Api-Key"));
            Assert.StartsWith("v1,", r.Header("webhook-signature"), StringComparison.Ordinal);
        });
        Assert.All(received.Where(r => r.Path == "/erp"), r =>
            Assert.Equal($"Basic {Convert.ToBase64String(Encoding.UTF8.GetBytes("jakamo:basic-secret-P4ss"))}", r.Header("Authorization")));
        Assert.Single(_tokenEndpoint.Requests);
    }

    private async Task ReadTheQueueAsTheIntegrationClientAsync()
    {
        using var queue = App.NewClient();
        queue.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"nordic-so-prod:{_queuePassword}")));
        using var message = await queue.GetAsync(new Uri("api/queue", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, message.StatusCode);
        _scanner.Scan("GET api/queue", await message.Content.ReadAsStringAsync());
    }

    private async Task<List<long>> DeliveryIdsAsync()
    {
        await using var db = await App.NewDbAsync();
        return await db.Deliveries.OrderBy(d => d.Id).Select(d => d.Id).ToListAsync();
    }

    private async Task<int> AttemptCountAsync()
    {
        await using var db = await App.NewDbAsync();
        return await db.Attempts.CountAsync();
    }

    /// <summary>Every text value of every table, read straight from the SQLite file: the stored attempts (request and
    /// response headers and bodies, messages), the audit trail, Hangfire-free job state, and the encrypted and hashed
    /// columns too, which must not hold a secret in any readable form either.</summary>
    private async Task ScanTheDatabaseAsync()
    {
        await using var connection = new SqliteConnection($"Data Source={App.DatabasePath};Mode=ReadOnly");
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = connection.CreateCommand())
        {
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'";
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        Assert.Contains("Attempts", tables);
        var attemptTexts = 0;
        foreach (var table in tables)
        {
            await using var select = connection.CreateCommand();
            select.CommandText = $"SELECT * FROM \"{table}\"";
            await using var reader = await select.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                for (var column = 0; column < reader.FieldCount; column++)
                {
                    if (!reader.IsDBNull(column) && reader.GetFieldType(column) == typeof(string))
                    {
                        _scanner.Scan($"database {table}.{reader.GetName(column)}", reader.GetString(column));
                        attemptTexts += table == "Attempts" ? 1 : 0;
                    }
                }
            }
        }

        Assert.True(attemptTexts >= (EventCount * 3 * 4), $"Only {attemptTexts} attempt texts were scanned.");
    }

    private async Task ScanThePagesAsync(int deliveries)
    {
        await _page.SignInAsync(PortalPageExtensions.NordicAdmin);
        await _page.OpenAsync("transport-log");
        var rows = _page.GetByTestId("attempt-grid").Locator("tbody tr", new() { HasText = "SECRET-SCAN" });
        await Expect(rows).ToHaveCountAsync(deliveries + 1);
        await ScanAsync("/transport-log");
        for (var i = 0; i < deliveries + 1; i++)
        {
            await rows.Nth(i).ClickAsync();
            var detail = _page.GetByTestId("delivery-detail");
            await Expect(detail).ToContainTextAsync("Response");
            await ScanAsync($"/transport-log, attempt {i + 1} opened");
            await _page.GetByRole(AriaRole.Button, new() { Name = "Close the delivery detail" }).ClickAsync();
        }

        await _page.OpenAsync("deliveries");
        await Expect(_page.GetByTestId("delivery-grid")).ToContainTextAsync("SECRET-SCAN");
        await ScanAsync("/deliveries");
        await _page.OpenAsync("webhooks");
        await Expect(_page.GetByTestId("webhook-name-cell")).ToHaveCountAsync(4);
        await ScanAsync("/webhooks");
    }

    /// <summary>What the browser shows: the DOM, and the values of inputs, which the DOM does not hold.</summary>
    private async Task ScanAsync(string place)
    {
        _scanner.Scan(place, await _page.ContentAsync());
        _scanner.Scan(place, await _page.EvaluateAsync<string>(
            "() => Array.from(document.querySelectorAll('input, textarea, select')).map(e => e.value).join('\\n')"));
    }

    public async Task DisposeAsync()
    {
        await _page.Context.CloseAsync();
        await _tokenEndpoint.DisposeAsync();
        await _scenario.DisposeAsync();
    }
}
