using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Jakamo.Portal.Core.Deliveries;
using Jakamo.Portal.Core.Demo;
using Jakamo.Portal.Core.Webhooks;
using Jakamo.Portal.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Jakamo.Portal.Tests.Browser;

/// <summary>
/// Stores one secret of every kind, then reads everything a person or program can see: every page as support and as a
/// company admin (server HTML, live DOM, input values and the circuit's render traffic), every GET endpoint, and the log.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class SecretExposureTests(ChromiumFixture chromium) : IAsyncLifetime
{
    private const string UiSigningSecret = "signing secret made in the form";
    private const string ApiSigningSecret = "signing secret made through the API";
    private const string PersonalToken = "personal API token";
    private const string ShownAfterSend = "the webhook form right after Send";
    private const string ShownInCreateResponse = "POST api/webhooks (API-key webhook)";
    private const string ShownAfterCreateToken = "the profile page right after Create token";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    private readonly PortalAppFactory _app = new(demo: true);
    private readonly SecretScanner _scanner = new();
    private readonly ConcurrentDictionary<IPage, ConcurrentQueue<byte[]>> _frames = new();
    private DemoDirectory _demo = default!;
    private IReadOnlyList<long> _deliveryIds = [];
    private IPage _admin = default!;
    private IPage _support = default!;

    public async Task InitializeAsync()
    {
        _demo = await DemoDirectory.LoadAsync(_app);
        _admin = await NewRecordingPageAsync();
        _support = await NewRecordingPageAsync();
    }

    [Fact]
    public async Task NoSecret_AppearsInAnyPage_ApiResponse_OrTheLog_AndANewSecretIsShownOnlyOnce()
    {
        RegisterDemoSecrets();
        await SetQueuePasswordThroughTheApiAsync();
        await CreateOAuthAndApiKeyWebhooksThroughTheApiAsync();
        await _admin.SignInAsync(PortalPageExtensions.NordicAdmin);
        await _support.SignInAsync(PortalPageExtensions.Support);
        await CreateBasicWebhookWithSigningSecretThroughTheFormAsync();
        var adminToken = await CreatePersonalTokenOnTheProfilePageAsync();
        var webhooks = await AssertNordicHasOneWebhookPerAuthMethodAsync();

        // Up to here the circuits carried typed-in secrets back to their own inputs, which is expected; scan from here on.
        DiscardRecordedFrames();
        await VisitEveryPageAsync(_admin, "company admin", webhooks, asSupport: false);
        await VisitEveryPageAsync(_support, "support", webhooks, asSupport: true);
        await CallEveryGetEndpointAsync("support", PortalAppFactory.SupportToken, webhooks, asSupport: true);
        await CallEveryGetEndpointAsync("company admin", adminToken, webhooks, asSupport: false);
        Assert.NotEmpty(_app.LogLines);
        foreach (var line in _app.LogLines)
        {
            _scanner.Scan("the log", line);
        }

        _scanner.AssertNoLeaks(minimumTextsScanned: 100);
        Assert.Equal([ShownAfterSend], _scanner.PlacesOf(UiSigningSecret));
        Assert.Equal([ShownInCreateResponse], _scanner.PlacesOf(ApiSigningSecret));
        Assert.Equal([ShownAfterCreateToken], _scanner.PlacesOf(PersonalToken));
    }

    private void RegisterDemoSecrets()
    {
        _scanner.Add("bootstrap support token", PortalAppFactory.SupportToken);
        _scanner.Add("demo webhook's Basic password", DemoData.DemoReceiverPassword, $"jakamo:{DemoData.DemoReceiverPassword}");
        foreach (var login in PortalInitializer.DemoLogins)
        {
            _scanner.Add($"demo password of {login.Email}", login.Password);
        }

        foreach (var queueUser in new[] { "nordic-so-prod", "nordic-so-test", "nordic-asn", "baltic-so" })
        {
            _scanner.Add($"demo queue password of {queueUser}", DemoData.QueuePassword(queueUser));
        }
    }

    private async Task SetQueuePasswordThroughTheApiAsync()
    {
        var password = $"queue-Pa55-{Guid.NewGuid():N}";
        _scanner.Add("queue password", password, $"nordic-so-test-2:{password}");
        using var api = _app.NewClient(PortalAppFactory.SupportToken);
        var response = await api.PutAsJsonAsync(
            $"api/integrations/{_demo.IntegrationIds[DemoData.SupplierSoTest]}/credentials", new { userName = "nordic-so-test-2", password });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        _scanner.Scan("PUT api/integrations/{id}/credentials", await response.Content.ReadAsStringAsync());
    }

    private async Task CreateOAuthAndApiKeyWebhooksThroughTheApiAsync()
    {
        var clientSecret = $"oauth-client-secret-{Guid.NewGuid():N}";
        var apiKey = $"api-key-value-{Guid.NewGuid():N}";
        _scanner.Add("OAuth2 client secret", clientSecret, $"jakamo-portal:{clientSecret}");
        _scanner.Add("API-key header value", apiKey);
        using var api = _app.NewClient(PortalAppFactory.SupportToken);

        var oauth = await api.PostAsJsonAsync("api/webhooks", new
        {
            companyId = _demo.NordicId,
            name = "ERP via OAuth2",
            payloadUrl = "https://erp.nordic-components.example/oauth-hook",
            authMethod = "OAuth2ClientCredentials",
            oAuthTokenUrl = "https://login.nordic-components.example/oauth2/token",
            oAuthClientId = "jakamo-portal",
            oAuthClientSecret = clientSecret,
            oAuthScope = "webhooks.write",
            eventSelection = "Selected",
            eventTypes = new[] { "so.created", "so.changed" },
        });
        Assert.Equal(HttpStatusCode.Created, oauth.StatusCode);
        _scanner.Scan("POST api/webhooks (OAuth2 webhook)", await oauth.Content.ReadAsStringAsync());

        var apiKeyHook = await api.PostAsJsonAsync("api/webhooks", new
        {
            companyId = _demo.NordicId,
            name = "ERP via API key",
            payloadUrl = "https://erp.nordic-components.example/key-hook",
            authMethod = "ApiKeyHeader",
            apiKeyHeaderName = "X-Api-Key",
            apiKeyValue = apiKey,
            eventSelection = "All",
            generateSigningSecret = true,
        });
        Assert.Equal(HttpStatusCode.Created, apiKeyHook.StatusCode);
        var body = await apiKeyHook.Content.ReadAsStringAsync();
        var signingSecret = JsonDocument.Parse(body).RootElement.GetProperty("newSigningSecret").GetString()!;
        Assert.StartsWith("whsec_", signingSecret, StringComparison.Ordinal);
        _scanner.Add(ApiSigningSecret, signingSecret, signingSecret["whsec_".Length..]);
        _scanner.AllowAt(ApiSigningSecret, ShownInCreateResponse);
        _scanner.Scan(ShownInCreateResponse, body);
    }

    private async Task CreateBasicWebhookWithSigningSecretThroughTheFormAsync()
    {
        var password = $"basic-Pa55-{Guid.NewGuid():N}";
        _scanner.Add("Basic password", password, $"jakamo:{password}");
        var page = _admin;
        await page.OpenAsync("webhooks/new");
        await page.Locator("#webhook-name").EnterAsync("ERP via Basic");
        await page.Locator("#webhook-url").EnterAsync("https://erp.nordic-components.example/basic-hook");
        await page.Locator("#auth-basic").CheckAsync();
        await page.Locator("#basic-user").EnterAsync("jakamo");
        await page.Locator("#basic-password").EnterAsync(password);
        await page.ById("event-so.created").CheckAsync();
        await page.Locator("#signing-secret-generate").CheckAsync();
        await page.Locator("#webhook-send").ClickAsync();

        await Expect(page.GetByTestId("new-signing-secret")).ToContainTextAsync("It will not be shown again");
        var secret = await page.Locator("#signing-secret-value").InputValueAsync();
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        Assert.True(await page.Locator("#signing-secret-value").EvaluateAsync<bool>("e => e.scrollWidth <= e.clientWidth"), "The new secret is cut off in its field.");
        _scanner.Add(UiSigningSecret, secret, secret["whsec_".Length..]);
        _scanner.AllowAt(UiSigningSecret, ShownAfterSend);
        await Screenshots.SaveAsync(page, "webhook-signing-secret.png");
        await ScanPageAsync(page, ShownAfterSend, serverHtml: null);

        await page.Locator("#secret-done").ClickAsync();
        await Expect(page).ToHaveURLAsync(PortalPageExtensions.WebhookList);
    }

    private async Task<string> CreatePersonalTokenOnTheProfilePageAsync()
    {
        var page = _admin;
        await page.OpenAsync("profile");
        await page.Locator("#token-name").EnterAsync("ERP automation");
        await page.Locator("#token-create").ClickAsync();
        await Expect(page.GetByTestId("new-token")).ToContainTextAsync("it will not be shown again");
        var token = await page.Locator("#token-value").InputValueAsync();
        Assert.StartsWith("jkp_", token, StringComparison.Ordinal);
        Assert.True(await page.Locator("#token-value").EvaluateAsync<bool>("e => e.scrollWidth <= e.clientWidth"), "The new token is cut off in its field.");
        _scanner.Add(PersonalToken, token);
        _scanner.AllowAt(PersonalToken, ShownAfterCreateToken);
        await ScanPageAsync(page, ShownAfterCreateToken, serverHtml: null);
        return token;
    }

    private async Task<IReadOnlyList<WebhookView>> AssertNordicHasOneWebhookPerAuthMethodAsync()
    {
        using var api = _app.NewClient(PortalAppFactory.SupportToken);
        var webhooks = await api.GetFromJsonAsync<List<WebhookView>>($"api/webhooks?companyId={_demo.NordicId}", Json);
        // The three this test made, and the demo data's webhook to the built-in demo receiver.
        Assert.Equal(4, webhooks!.Count);
        Assert.Contains(webhooks, w => w.Name == DemoData.DemoWebhookName);
        Assert.Contains(webhooks, w => w.AuthMethod == WebhookAuthMethod.OAuth2ClientCredentials && w.OAuthClientSecretSet);
        Assert.Contains(webhooks, w => w.AuthMethod == WebhookAuthMethod.Basic && w.BasicPasswordSet && w.SigningSecretSet);
        Assert.Contains(webhooks, w => w.AuthMethod == WebhookAuthMethod.ApiKeyHeader && w.ApiKeyValueSet && w.SigningSecretSet);
        return webhooks;
    }

    private async Task VisitEveryPageAsync(IPage page, string who, IReadOnlyList<WebhookView> webhooks, bool asSupport)
    {
        var company = asSupport ? $"?company={_demo.NordicId}" : "";
        await VisitAsync(page, who, "", p => Expect(p.GetByRole(AriaRole.Heading, new() { Name = "Welcome to Jakamo Portal" })).ToBeVisibleAsync());
        await VisitAsync(page, who, $"integrations{company}", p => Expect(p.GetByTestId("integration-list")).ToContainTextAsync("nordic-so-test-2"));
        await VisitAsync(page, who, $"webhooks{company}", p => Expect(p.GetByTestId("webhook-name-cell")).ToHaveCountAsync(webhooks.Count));
        foreach (var webhook in webhooks)
        {
            await VisitAsync(page, who, $"webhooks/{webhook.Id}/edit", async p =>
            {
                await Expect(p.Locator("#webhook-name")).ToHaveValueAsync(webhook.Name);
                await Expect(p.GetByTestId(SecretMarker(webhook.AuthMethod))).ToContainTextAsync("••• set");
                if (webhook.SigningSecretSet)
                {
                    await Expect(p.GetByTestId("signing-secret-set")).ToContainTextAsync("••• set");
                }
            });
        }

        await VisitAsync(page, who, "profile", p => Expect(p.GetByTestId("token-list")).ToContainTextAsync(asSupport ? "No tokens yet." : "ERP automation"));
        await VisitAsync(page, who, "deliveries", p => Expect(p.GetByTestId("delivery-grid")).ToBeVisibleAsync());
        await VisitAsync(page, who, "queue", p => Expect(p.GetByTestId("queue-list")).ToContainTextAsync(DemoData.SupplierSoProduction));
        if (asSupport)
        {
            await VisitAsync(page, who, $"integrations?company={_demo.BalticId}", p => Expect(p.GetByTestId("integration-list")).ToContainTextAsync(DemoData.BuyerSo));
            await VisitAsync(page, who, $"webhooks?company={_demo.BalticId}", p => Expect(p.GetByTestId("webhook-list")).ToContainTextAsync("No webhooks yet"));
            await VisitAsync(page, who, "support/firewall", p => Expect(p.GetByTestId("waiting-hosts")).ToContainTextAsync("erp.nordic-components.example"));
            await VisitAsync(page, who, "support/companies", p => Expect(p.GetByTestId("company-list")).ToContainTextAsync(DemoData.BuyerName));
            await VisitAsync(page, who, "support/demo", p => Expect(p.GetByTestId("demo-published")).ToContainTextAsync("Published so far"));
        }
        else
        {
            foreach (var supportPage in new[] { "support/firewall", "support/companies", "support/demo" })
            {
                var response = await page.GotoAsync(supportPage);
                await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Access denied" })).ToBeVisibleAsync();
                await ScanPageAsync(page, $"{supportPage} as {who}", await response!.TextAsync());
            }
        }
    }

    private static string SecretMarker(WebhookAuthMethod method) => method switch
    {
        WebhookAuthMethod.OAuth2ClientCredentials => "oauth-client-secret-set",
        WebhookAuthMethod.Basic => "basic-password-set",
        WebhookAuthMethod.ApiKeyHeader => "apikey-value-set",
        _ => throw new ArgumentOutOfRangeException(nameof(method), method, "This webhook has no secret."),
    };

    private async Task VisitAsync(IPage page, string who, string url, Func<IPage, Task> loaded)
    {
        var response = await page.OpenAsync(url);
        await loaded(page);
        await ScanPageAsync(page, $"/{url} as {who}", await response.TextAsync());
    }

    /// <summary>Scans what the server sent (prerendered HTML, render traffic) and what the browser shows (DOM and input values).</summary>
    private async Task ScanPageAsync(IPage page, string place, string? serverHtml)
    {
        _scanner.Scan(place, serverHtml);
        _scanner.Scan(place, await page.ContentAsync());
        _scanner.Scan(place, await page.EvaluateAsync<string>(
            "() => Array.from(document.querySelectorAll('input, textarea, select')).map(e => e.value).join('\\n')"));
        if (serverHtml is not null)
        {
            foreach (var frame in Drain(page))
            {
                _scanner.Scan(place, frame);
            }
        }
    }

    private async Task CallEveryGetEndpointAsync(string who, string token, IReadOnlyList<WebhookView> webhooks, bool asSupport)
    {
        var patterns = _app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods.Contains(HttpMethods.Get) == true)
            .Select(e => "/" + e.RoutePattern.RawText!.Trim('/'))
            .Where(p => p.StartsWith("/api/", StringComparison.Ordinal))
            .Distinct()
            .ToList();
        Assert.True(patterns.Count >= 8, $"Found only {patterns.Count} GET API endpoints: {string.Join(", ", patterns)}");

        using var api = _app.NewClient(token);
        using var supportApi = _app.NewClient(PortalAppFactory.SupportToken);
        var deliveries = await supportApi.GetFromJsonAsync<PagedResult<DeliveryRow>>("api/deliveries?pageSize=200", Json);
        _deliveryIds = [.. deliveries!.Items.Select(d => d.Id)];

        // The queue belongs to integration clients, with Basic auth; it is scanned with a demo client's credentials.
        patterns.Remove("/api/queue");
        using var queueClient = _app.NewClient();
        queueClient.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"nordic-so-prod:{DemoData.QueuePassword("nordic-so-prod")}")));
        using (var queue = await queueClient.GetAsync(new Uri("api/queue", UriKind.Relative)))
        {
            Assert.True(queue.IsSuccessStatusCode, $"GET /api/queue answered {(int)queue.StatusCode}.");
            _scanner.Scan($"GET /api/queue as an integration client", await queue.Content.ReadAsStringAsync());
        }

        var urls = patterns.SelectMany(p => Expand(p, webhooks)).Concat(["/openapi/v1.json", "/healthz"]).ToList();
        foreach (var url in urls)
        {
            using var response = await api.GetAsync(new Uri(url.TrimStart('/'), UriKind.Relative));
            var body = await response.Content.ReadAsStringAsync();
            if (asSupport)
            {
                Assert.True(response.IsSuccessStatusCode, $"GET {url} as {who} answered {(int)response.StatusCode}.");
            }

            _scanner.Scan($"GET {url} as {who}", body);
        }
    }

    private IEnumerable<string> Expand(string pattern, IReadOnlyList<WebhookView> webhooks)
    {
        if (!pattern.Contains('{', StringComparison.Ordinal))
        {
            yield return pattern;
            if (pattern is "/api/webhooks" or "/api/integrations")
            {
                yield return $"{pattern}?companyId={_demo.NordicId}";
                yield return $"{pattern}?companyId={_demo.BalticId}";
            }

            yield break;
        }

        IEnumerable<long> ids = pattern switch
        {
            "/api/webhooks/{id:int}" => webhooks.Select(w => (long)w.Id),
            "/api/integrations/{id:int}" => _demo.IntegrationIds.Values.Select(i => (long)i),
            "/api/deliveries/{id:long}" => _deliveryIds,
            _ => throw new InvalidOperationException($"GET {pattern} is new: teach this test which ids to call it with, so its answers are scanned too."),
        };
        var placeholder = pattern[pattern.IndexOf('{', StringComparison.Ordinal)..(pattern.IndexOf('}', StringComparison.Ordinal) + 1)];
        foreach (var id in ids)
        {
            yield return pattern.Replace(placeholder, id.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        }
    }

    private async Task<IPage> NewRecordingPageAsync()
    {
        var page = await chromium.NewPageAsync(_app.BaseAddress);
        var frames = _frames.GetOrAdd(page, _ => new ConcurrentQueue<byte[]>());
        page.WebSocket += (_, socket) => socket.FrameReceived += (_, frame) => frames.Enqueue(frame.Binary ?? Encoding.UTF8.GetBytes(frame.Text ?? ""));
        return page;
    }

    private List<byte[]> Drain(IPage page)
    {
        var drained = new List<byte[]>();
        while (_frames[page].TryDequeue(out var frame))
        {
            drained.Add(frame);
        }

        return drained;
    }

    private void DiscardRecordedFrames()
    {
        foreach (var page in _frames.Keys)
        {
            Drain(page);
        }
    }

    public async Task DisposeAsync()
    {
        await _admin.Context.CloseAsync();
        await _support.Context.CloseAsync();
        await _app.DisposeAsync();
    }
}
