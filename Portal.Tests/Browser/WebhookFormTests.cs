using System.Net.Http.Json;
using System.Text.Json;
using Jakamo.Portal.Core.Demo;
using Jakamo.Portal.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Jakamo.Portal.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class WebhookFormTests(ChromiumFixture chromium) : IAsyncLifetime
{
    private readonly PortalAppFactory _app = new(demo: true);
    private IPage _page = default!;

    public async Task InitializeAsync() => _page = await chromium.NewPageAsync(_app.BaseAddress);

    [Fact]
    public async Task CompanyAdmin_CreatesABasicAuthWebhookThroughTheForm_AndSeesItInTheList()
    {
        var page = _page;
        await page.SignInAsync(PortalPageExtensions.NordicAdmin);
        await page.OpenAsync("webhooks/new");

        await page.Locator("#webhook-name").EnterAsync("ERP production");
        await page.Locator("#webhook-url").EnterAsync("https://erp.nordic-components.example/jakamo/webhook");
        await page.Locator("#auth-basic").CheckAsync();
        await page.Locator("#basic-user").EnterAsync("jakamo");
        await page.Locator("#basic-password").EnterAsync("basic-Pa55word-for-erp");
        await page.ById("event-so.created").CheckAsync();
        await Expect(page.ById("event-so.created")).ToBeCheckedAsync();
        await page.GetByRole(AriaRole.Heading, new() { Name = "Events" }).ScrollIntoViewIfNeededAsync();
        await Screenshots.SaveAsync(page, "webhook-form-events.png");
        await page.EvaluateAsync("() => window.scrollTo(0, 0)");
        await Screenshots.SaveAsync(page, "webhook-form.png");

        await page.Locator("#webhook-send").ClickAsync();

        await Expect(page).ToHaveURLAsync(PortalPageExtensions.WebhookList);
        await Expect(page.Locator(".mud-snackbar")).ToContainTextAsync(["Saved 'ERP production'.", "waiting for Jakamo support to open the firewall"]);

        // A fresh load shows what was saved, not what the circuit remembers, and has no snackbars to hide the list.
        await page.OpenAsync("webhooks");
        var row = page.GetByTestId("webhook-list").Locator("tr", new() { Has = page.GetByTestId("webhook-name-cell").GetByText("ERP production", new() { Exact = true }) });
        await Expect(row).ToHaveCountAsync(1);
        await Expect(row).ToContainTextAsync("https://erp.nordic-components.example/jakamo/webhook");
        await Expect(row).ToContainTextAsync("Basic");
        await Expect(row).ToContainTextAsync("so.created");
        await Expect(row).ToContainTextAsync("Waiting for support");
        // At the README's 1366 px, with the menu open, the row's Edit button must show without scrolling the table sideways.
        await Expect(row.GetByRole(AriaRole.Link, new() { Name = "Edit ERP production" })).ToBeInViewportAsync(new() { Ratio = 1 });
        await Screenshots.SaveAsync(page, "webhook-list.png");
    }

    [Fact]
    public async Task AnotherCompanysWebhook_ShowsTheNotFoundPage_WithA404_AndStillInTheLiveCircuit()
    {
        var demo = await DemoDirectory.LoadAsync(_app);
        using var support = _app.NewClient(PortalAppFactory.SupportToken);
        var nordicWebhooks = await support.GetFromJsonAsync<JsonElement>($"api/webhooks?companyId={demo.NordicId}");
        var edit = $"webhooks/{nordicWebhooks[0].GetProperty("id").GetInt32()}/edit";
        var page = _page;
        var notFound = page.GetByRole(AriaRole.Heading, new() { Name = "Not found" });
        await page.SignInAsync(PortalPageExtensions.BalticAdmin);

        var response = await page.GotoAsync(edit);
        Assert.Equal(404, response!.Status);
        await Expect(notFound).ToBeVisibleAsync();
        await page.WaitForInteractiveAsync();
        await Expect(notFound).ToBeVisibleAsync();

        // Followed inside the circuit, without a page load, the same address shows the same page.
        await page.OpenAsync("webhooks");
        await page.EvaluateAsync("url => Blazor.navigateTo(url)", edit);
        await Expect(page).ToHaveURLAsync(new Uri(_app.BaseAddress, edit).ToString());
        await Expect(notFound).ToBeVisibleAsync();
        await Expect(page.Locator("#webhook-name")).ToHaveCountAsync(0);
        Assert.DoesNotContain(DemoData.DemoWebhookName, await page.ContentAsync(), StringComparison.Ordinal);
    }

    public async Task DisposeAsync()
    {
        await _page.Context.CloseAsync();
        await _app.DisposeAsync();
    }
}
