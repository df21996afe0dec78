using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
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

/// <summary>axe-core scans of the pages people work in: no serious or critical violations.</summary>
[Collection(BrowserCollection.Name)]
public sealed class AccessibilityTests(ChromiumFixture chromium) : IAsyncLifetime
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
    public async Task WorkPages_HaveNoSeriousOrCriticalViolations()
    {
        var demo = await DemoDirectory.LoadAsync(_app);
        await _app.Services.GetRequiredService<FirewallService>().AddAsync(TestData.Support, "127.0.0.1", null);
        await _app.Services.GetRequiredService<WebhookService>().CreateAsync(TestData.AdminOf(demo.NordicId), TestData.Webhook(w =>
        {
            w.Name = "ERP production";
            w.PayloadUrl = _receiver.Url("erp").ToString();
            w.EventTypes = ["so.changed"];
        }));
        _receiver.AnswerWith(500);
        await _app.Services.GetRequiredService<EventIngestion>().PublishAsync(new EventInput
        {
            Type = "so.changed",
            IntegrationId = demo.IntegrationIds[DemoData.SupplierSoProduction],
            ContentType = "application/xml",
            Payload = "<Order><ID>A11Y-1</ID></Order>",
            Reference = "A11Y-1",
        });
        await Poll.UntilAsync(() => Task.FromResult(!_receiver.Requests.IsEmpty), TimeSpan.FromSeconds(15), "the attempt was made");

        await _page.SignInAsync(PortalPageExtensions.Support);
        var findings = new List<string>();

        await _page.OpenAsync($"webhooks/new?company={demo.NordicId}");
        findings.AddRange(await ScanAsync("webhook form"));

        await _page.OpenAsync("transport-log");
        var row = _page.GetByTestId("attempt-grid").Locator("tr", new() { HasText = "A11Y-1" });
        await Expect(row).ToHaveCountAsync(1);
        findings.AddRange(await ScanAsync("transport log"));

        await row.ClickAsync();
        await Expect(_page.GetByTestId("delivery-detail")).ToContainTextAsync("A11Y-1");
        findings.AddRange(await ScanAsync("delivery detail"));

        await _page.OpenAsync("support/dashboard");
        await Expect(_page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToBeVisibleAsync();
        findings.AddRange(await ScanAsync("support dashboard"));

        Assert.True(findings.Count == 0, "Accessibility violations:\n" + string.Join('\n', findings));
    }

    private async Task<IEnumerable<string>> ScanAsync(string pageName)
    {
        var result = await _page.RunAxe();
        Assert.NotEmpty(result.Passes);
        return result.Violations
            .Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{pageName}: {v.Impact} {v.Id}: {v.Help} — {string.Join(" | ", v.Nodes.Take(3).Select(n => n.Html))}");
    }

    public async Task DisposeAsync()
    {
        await _page.Context.CloseAsync();
        await _receiver.DisposeAsync();
        await _app.DisposeAsync();
    }
}
