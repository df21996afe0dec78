using System.Net.Http.Json;
using Jakamo.Portal.Core.Demo;
using Jakamo.Portal.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Jakamo.Portal.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class WebhookIntegrationTests(ChromiumFixture chromium) : IAsyncLifetime
{
    private readonly PortalAppFactory _app = new(demo: true);
    private IPage _page = default!;
    private DemoDirectory _demo = default!;

    public async Task InitializeAsync()
    {
        _page = await chromium.NewPageAsync(_app.BaseAddress);
        _demo = await DemoDirectory.LoadAsync(_app);
    }

    [Fact]
    public async Task SupportDesignatesTheBuyersSoIntegration_AndTheWebhookFormThenOffersIt()
    {
        var page = _page;
        var buyerSo = _demo.IntegrationIds[DemoData.BuyerSo];
        await page.SignInAsync(PortalPageExtensions.Support);

        // Before: the buyer has no webhook integration, so the form has no Integration field.
        await page.OpenAsync($"webhooks/new?company={_demo.BalticId}");
        await Expect(page.GetByText($"Company: {DemoData.BuyerName}")).ToBeVisibleAsync();
        await Expect(page.Locator("#webhook-name")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("integration-field")).ToHaveCountAsync(0);

        await page.OpenAsync($"integrations?company={_demo.BalticId}");
        var row = page.GetByTestId("integration-list").Locator("tr", new() { Has = page.GetByTestId($"integration-{buyerSo}") });
        await Expect(row).ToContainTextAsync(DemoData.BuyerSo);
        await Expect(row.GetByTestId("webhook-integration-badge")).ToHaveCountAsync(0);

        await page.GetByTestId($"settings-{buyerSo}").ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Expect(dialog).ToContainTextAsync($"Settings · {DemoData.BuyerSo}");
        var designate = dialog.GetByRole(AriaRole.Switch, new() { Name = "Webhook integration" });
        await Expect(designate).Not.ToBeCheckedAsync();
        await designate.CheckAsync();
        await Expect(designate).ToBeCheckedAsync();
        await Screenshots.SaveAsync(page, "integration-settings.png");
        await page.Locator("#save-integration-settings").ClickAsync();

        await Expect(dialog).ToHaveCountAsync(0);
        await Expect(row.GetByTestId("webhook-integration-badge")).ToHaveTextAsync("Webhook integration");
        await Expect(page.GetByTestId("webhook-integration-badge")).ToHaveCountAsync(1);

        // A fresh load proves the designation was saved, and gives a screenshot without the snackbar.
        await page.OpenAsync($"integrations?company={_demo.BalticId}");
        await Expect(row.GetByTestId("webhook-integration-badge")).ToBeVisibleAsync();
        await Screenshots.SaveAsync(page, "integrations.png");

        // After: the form offers "none" and the designated integration.
        await page.OpenAsync($"webhooks/new?company={_demo.BalticId}");
        var field = page.GetByTestId("integration-field");
        await Expect(field).ToBeVisibleAsync();
        await Expect(field.GetByRole(AriaRole.Radio)).ToHaveCountAsync(2);
        await Expect(field.GetByRole(AriaRole.Radio, new() { Name = "None" })).ToBeCheckedAsync();
        await Expect(field.GetByRole(AriaRole.Radio, new() { Name = $"{DemoData.BuyerSo} (webhook integration)" })).Not.ToBeCheckedAsync();
    }

    [Fact]
    public async Task TheBuyersAdmin_SeesTheIntegrationField_OnlyAfterSupportDesignatesTheIntegration()
    {
        var page = _page;
        var buyerSo = _demo.IntegrationIds[DemoData.BuyerSo];
        await page.SignInAsync(PortalPageExtensions.BalticAdmin);

        await page.OpenAsync("webhooks/new");
        await Expect(page.GetByText($"Company: {DemoData.BuyerName}")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("integration-field")).ToHaveCountAsync(0);
        await page.OpenAsync("integrations");
        await Expect(page.GetByTestId($"integration-{buyerSo}")).ToBeVisibleAsync();
        await Expect(page.GetByTestId($"settings-{buyerSo}")).ToHaveCountAsync(0);

        using (var support = _app.NewClient(PortalAppFactory.SupportToken))
        {
            var response = await support.PutAsJsonAsync($"api/integrations/{buyerSo}/webhook-integration", new { designated = true });
            response.EnsureSuccessStatusCode();
        }

        await page.OpenAsync("integrations");
        await Expect(page.GetByTestId($"integration-{buyerSo}").GetByTestId("webhook-integration-badge")).ToBeVisibleAsync();
        await page.OpenAsync("webhooks/new");
        var choice = page.GetByTestId("integration-field").GetByRole(AriaRole.Radio, new() { Name = $"{DemoData.BuyerSo} (webhook integration)" });
        await choice.CheckAsync();
        await page.Locator("#webhook-name").EnterAsync("Purchasing ERP");
        await page.Locator("#webhook-url").EnterAsync("https://erp.baltic-machinery.example/hooks/jakamo");
        await page.Locator("#auth-other").CheckAsync();
        await page.Locator("#auth-none").CheckAsync();
        await page.ById("event-so.created").CheckAsync();
        await page.Locator("#webhook-send").ClickAsync();

        await Expect(page).ToHaveURLAsync(PortalPageExtensions.WebhookList);
        var saved = page.GetByTestId("webhook-list").Locator("tr", new() { HasText = "Purchasing ERP" });
        await Expect(saved).ToContainTextAsync(DemoData.BuyerSo);
    }

    public async Task DisposeAsync()
    {
        await _page.Context.CloseAsync();
        await _app.DisposeAsync();
    }
}
