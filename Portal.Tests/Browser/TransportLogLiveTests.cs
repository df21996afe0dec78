using System.Collections.Concurrent;
using System.Net;
using Jakamo.Portal.Core.Demo;
using Jakamo.Portal.Tests.Api;
using Jakamo.Portal.Tests.Infrastructure;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Jakamo.Portal.Tests.Browser;

/// <summary>The live transport log in Chromium: attempts appear as they are committed, without a reload.</summary>
[Collection(BrowserCollection.Name)]
public sealed class TransportLogLiveTests(ChromiumFixture chromium, ITestOutputHelper output) : IAsyncLifetime
{
    private const string PlatformKey = "browser-platform-key";

    private readonly ConcurrentQueue<string> _browserErrors = new();

    private ReceiverScenario _scenario = default!;
    private IPage _page = default!;

    private PortalAppFactory App => _scenario.App;

    public async Task InitializeAsync()
    {
        _scenario = await ReceiverScenario.StartAsync(["so.created", "so.changed"], quietDemoWebhook: true, settings: new()
        {
            ["Portal:Events:ApiKeys:0"] = PlatformKey,
        });
        _page = await chromium.NewPageAsync(App.BaseAddress);
        _page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                _browserErrors.Enqueue(message.Text);
            }
        };
        _page.PageError += (_, error) => _browserErrors.Enqueue(error);
    }

    [Fact]
    public async Task PostedEvent_AppearsLive_OpensMasked_AndItsResendAppearsLiveToo()
    {
        await _page.SignInAsync(PortalPageExtensions.NordicAdmin);
        await _page.OpenAsync("transport-log");
        await Expect(_page.GetByTestId("attempt-grid")).ToContainTextAsync("No attempts match.");

        await PostEventsAsync(1, "SO-LIVE-1");

        var row = _page.GetByTestId("attempt-grid").Locator("tr", new() { HasText = "SO-LIVE-1" });
        await Expect(row).ToHaveCountAsync(1, new() { Timeout = 5_000 }); // issue 4: within 5 seconds, without a reload
        await Expect(row).ToContainTextAsync("Succeeded 200");
        await row.ClickAsync();

        var detail = _page.GetByTestId("delivery-detail");
        await Expect(detail).ToContainTextAsync("Authorization: Basic ••••••");
        Assert.Equal("<Order>\n  <ID>SO-LIVE-1</ID>\n</Order>", await detail.GetByTestId("request-payload").InnerTextAsync());
        Assert.DoesNotContain("basic-secret-P4ss", await _page.ContentAsync(), StringComparison.Ordinal);
        await Screenshots.SaveAsync(_page, "transport-log-detail.png");

        await _page.Locator("#delivery-resend").ClickAsync();
        await Expect(_page.GetByText("Resend queued. The new attempt appears here when it is made.")).ToBeVisibleAsync();
        await _page.GetByRole(AriaRole.Button, new() { Name = "Close the delivery detail" }).ClickAsync();
        var manual = _page.GetByTestId("attempt-grid").Locator("tr", new() { HasText = $"manual by {PortalPageExtensions.NordicAdmin.Email}" });
        await Expect(manual).ToHaveCountAsync(1);
        await Expect(manual).ToContainTextAsync("SO-LIVE-1");
        await Screenshots.SaveAsync(_page, "transport-log.png");
    }

    [Fact]
    public async Task BurstOf2000Attempts_KeepsTheCircuitConnected_EveryRowReachable_AndRendersBounded()
    {
        await _page.SignInAsync(PortalPageExtensions.NordicAdmin);
        await _page.OpenAsync("transport-log");
        var started = DateTime.UtcNow;

        await PostEventsAsync(1000, "BURST-A");
        await PostEventsAsync(1000, "BURST-B");

        await Poll.UntilAsync(() => Task.FromResult(_scenario.Receiver.Requests.Count >= 2000), TimeSpan.FromSeconds(120), "2,000 deliveries made");
        await Expect(_page.Locator(".mud-table-pagination-caption").Nth(1)).ToHaveTextAsync("1-25 of 2,000", new() { Timeout = 10_000 });
        var seconds = (DateTime.UtcNow - started).TotalSeconds;
        var renders = int.Parse(await _page.GetByTestId("render-count").GetAttributeAsync("data-count") ?? "0", System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(renders, 1, 10 + (int)(seconds * Features.TransportLog.TransportLogPage.FlushesPerSecond));

        // Still interactive: the last page answers a click with rows from the server.
        await _page.GetByRole(AriaRole.Button, new() { Name = "Last page" }).ClickAsync();
        await Expect(_page.Locator(".mud-table-pagination-caption").Nth(1)).ToHaveTextAsync("1,976-2,000 of 2,000");
        await Expect(_page.GetByTestId("attempt-grid").Locator("tbody tr")).ToHaveCountAsync(25);
        await Expect(_page.Locator("#components-reconnect-modal")).Not.ToBeVisibleAsync();
    }

    private async Task PostEventsAsync(int count, string reference)
    {
        using var platform = App.NewClient();
        platform.DefaultRequestHeaders.Add("X-Api-Key", PlatformKey);
        var events = Enumerable.Range(0, count).Select(i => new
        {
            type = "so.created",
            integrationId = _scenario.Demo.IntegrationIds[DemoData.SupplierSoProduction],
            contentType = "application/xml",
            payload = count == 1 ? $"<Order><ID>{reference}</ID></Order>" : $"<Order><ID>{reference}-{i}</ID></Order>",
            reference = count == 1 ? reference : $"{reference}-{i}",
        }).ToArray();
        await platform.SendJsonAsync(HttpMethod.Post, "api/events/batch", new { events }, HttpStatusCode.Accepted);
    }

    public async Task DisposeAsync()
    {
        // What a failure needs to be explained on CI, where nothing else of the run is kept: the browser's errors and the server's.
        foreach (var line in _browserErrors.Select(e => $"browser: {e}")
                     .Concat(App.LogLines.Where(l => l.StartsWith("Error", StringComparison.Ordinal) || l.StartsWith("Critical", StringComparison.Ordinal))))
        {
            output.WriteLine(line);
        }

        await _page.Context.CloseAsync();
        await _scenario.DisposeAsync();
    }
}
