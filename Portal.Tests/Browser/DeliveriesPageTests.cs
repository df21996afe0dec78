using Jakamo.Portal.Core.Demo;
using Jakamo.Portal.Core.Events;
using Jakamo.Portal.Core.Firewall;
using Jakamo.Portal.Core.Webhooks;
using Jakamo.Portal.Tests.Builders;
using Jakamo.Portal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Jakamo.Portal.Tests.Browser;

/// <summary>The deliveries page: the transport log of a delivery, and a manual resend from it.</summary>
[Collection(BrowserCollection.Name)]
public sealed class DeliveriesPageTests(ChromiumFixture chromium) : IAsyncLifetime
{
    private readonly PortalAppFactory _app = new(demo: true, settings: new()
    {
        ["Portal:Webhooks:AllowHttp"] = "true",
        ["Portal:Delivery:AllowLoopback"] = "true",
    });

    private TestReceiver _receiver = default!;
    private IPage _page = default!;

    public async Task InitializeAsync()
    {
        _receiver = await TestReceiver.StartAsync();
        _page = await chromium.NewPageAsync(_app.BaseAddress);
    }

    [Fact]
    public async Task CompanyAdmin_SeesTheMaskedExchange_AndResendsAFailedDelivery()
    {
        var directory = await DemoDirectory.LoadAsync(_app);
        await _app.Services.GetRequiredService<FirewallService>().AddAsync(TestData.Support, "127.0.0.1", "test receiver");
        await _app.Services.GetRequiredService<WebhookService>().CreateAsync(TestData.AdminOf(directory.NordicId), TestData.Webhook(w =>
        {
            w.Name = "ERP production";
            w.PayloadUrl = _receiver.Url("erp").ToString();
            w.EventTypes = ["so.changed"];
        }));
        _receiver.AnswerWith(500, "{\"error\":\"ERP is down\"}");
        var published = await _app.Services.GetRequiredService<EventIngestion>().PublishAsync(new EventInput
        {
            Type = "so.changed",
            IntegrationId = directory.IntegrationIds[DemoData.SupplierSoProduction],
            ContentType = "application/xml",
            Payload = "<Order><ID>SO-4711</ID></Order>",
            Reference = "SO-4711",
        });
        await Poll.UntilAsync(() => Task.FromResult(_receiver.Requests.Count == 1), TimeSpan.FromSeconds(15), "the first attempt reached the receiver");

        await _page.SignInAsync(PortalPageExtensions.NordicAdmin);
        await _page.OpenAsync("deliveries");
        var row = _page.GetByTestId("delivery-grid").Locator("tr", new() { HasText = "SO-4711" });
        await Expect(row).ToContainTextAsync("Failed");
        await Expect(row).ToContainTextAsync("ERP production");
        await row.ClickAsync();

        var detail = _page.GetByTestId("delivery-detail");
        await Expect(detail).ToContainTextAsync($"event {published.EventId}");
        await Expect(detail).ToContainTextAsync($"POST {_receiver.Url("erp")}\nContent-Type: application/xml");
        await Expect(detail).ToContainTextAsync("Authorization: Basic ••••••");
        Assert.Equal("<Order>\n  <ID>SO-4711</ID>\n</Order>", await detail.GetByTestId("request-payload").InnerTextAsync());
        await Expect(detail).ToContainTextAsync("ERP is down");
        await Expect(detail).ToContainTextAsync("manual resend required");
        Assert.DoesNotContain("basic-secret-P4ss", await _page.ContentAsync(), StringComparison.Ordinal);
        await Screenshots.SaveAsync(_page, "delivery-detail.png");

        _receiver.AnswerWith(200);
        await _page.Locator("#delivery-resend").ClickAsync();
        await Poll.UntilAsync(() => Task.FromResult(_receiver.Requests.Count == 2), TimeSpan.FromSeconds(15), "the resend reached the receiver");

        await _page.OpenAsync("deliveries");
        await Expect(row).ToContainTextAsync("Succeeded");
        await row.ClickAsync();
        await Expect(detail).ToContainTextAsync($"Manual by {PortalPageExtensions.NordicAdmin.Email}");
    }

    public async Task DisposeAsync()
    {
        await _page.Context.CloseAsync();
        await _receiver.DisposeAsync();
        await _app.DisposeAsync();
    }
}
