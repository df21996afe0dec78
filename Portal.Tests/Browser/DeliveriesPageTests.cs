using Jakamo.Portal.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Jakamo.Portal.Tests.Browser;

/// <summary>The deliveries page: the transport log of a delivery, and a manual resend from it.</summary>
[Collection(BrowserCollection.Name)]
public sealed class DeliveriesPageTests(ChromiumFixture chromium) : IAsyncLifetime
{
    private ReceiverScenario _scenario = default!;
    private IPage _page = default!;

    private TestReceiver Receiver => _scenario.Receiver;

    public async Task InitializeAsync()
    {
        _scenario = await ReceiverScenario.StartAsync(["so.changed"]);
        _page = await chromium.NewPageAsync(_scenario.App.BaseAddress);
    }

    [Fact]
    public async Task CompanyAdmin_SeesTheMaskedExchange_AndResendsAFailedDelivery()
    {
        Receiver.AnswerWith(500, "{\"error\":\"ERP is down\"}");
        var published = await _scenario.PublishAsync("so.changed", "SO-4711");
        await Poll.UntilAsync(() => Task.FromResult(Receiver.Requests.Count == 1), TimeSpan.FromSeconds(15), "the first attempt reached the receiver");

        await _page.SignInAsync(PortalPageExtensions.NordicAdmin);
        await _page.OpenAsync("deliveries");
        var row = _page.GetByTestId("delivery-grid").Locator("tr", new() { HasText = "SO-4711" });
        await Expect(row).ToContainTextAsync("Failed");
        await Expect(row).ToContainTextAsync("ERP production");
        await row.ClickAsync();

        var detail = _page.GetByTestId("delivery-detail");
        await Expect(detail).ToContainTextAsync($"event {published.EventId}");
        await Expect(detail).ToContainTextAsync($"POST {Receiver.Url("erp")}\nContent-Type: application/xml");
        await Expect(detail).ToContainTextAsync("Authorization: Basic ••••••");
        Assert.Equal("<Order>\n  <ID>SO-4711</ID>\n</Order>", await detail.GetByTestId("request-payload").InnerTextAsync());
        await Expect(detail).ToContainTextAsync("ERP is down");
        await Expect(detail).ToContainTextAsync("manual resend required");
        Assert.DoesNotContain("basic-secret-P4ss", await _page.ContentAsync(), StringComparison.Ordinal);
        await Screenshots.SaveAsync(_page, "delivery-detail.png");

        Receiver.AnswerWith(200);
        await _page.Locator("#delivery-resend").ClickAsync();
        await Poll.UntilAsync(() => Task.FromResult(Receiver.Requests.Count == 2), TimeSpan.FromSeconds(15), "the resend reached the receiver");

        await _page.OpenAsync("deliveries");
        await Expect(row).ToContainTextAsync("Succeeded");
        await row.ClickAsync();
        await Expect(detail).ToContainTextAsync($"Manual by {PortalPageExtensions.NordicAdmin.Email}");
    }

    public async Task DisposeAsync()
    {
        await _page.Context.CloseAsync();
        await _scenario.DisposeAsync();
    }
}
