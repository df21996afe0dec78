using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Jakamo.Portal.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Jakamo.Portal.Tests.Browser;

/// <summary>axe-core scans of the pages people work in: no serious or critical violations.</summary>
[Collection(BrowserCollection.Name)]
public sealed class AccessibilityTests(ChromiumFixture chromium) : IAsyncLifetime
{
    private ReceiverScenario _scenario = default!;
    private IPage _page = default!;

    public async Task InitializeAsync()
    {
        _scenario = await ReceiverScenario.StartAsync(["so.changed"]);
        _page = await chromium.NewPageAsync(_scenario.App.BaseAddress);
    }

    [Fact]
    public async Task WorkPages_HaveNoSeriousOrCriticalViolations()
    {
        _scenario.Receiver.AnswerWith(500);
        await _scenario.PublishAsync("so.changed", "A11Y-1");
        await Poll.UntilAsync(() => Task.FromResult(!_scenario.Receiver.Requests.IsEmpty), TimeSpan.FromSeconds(15), "the attempt was made");

        await _page.SignInAsync(PortalPageExtensions.Support);
        var findings = new List<string>();

        await _page.OpenAsync($"webhooks/new?company={_scenario.Demo.NordicId}");
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
        await _scenario.DisposeAsync();
    }
}
