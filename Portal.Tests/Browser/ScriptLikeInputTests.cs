using Jakamo.Portal.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Jakamo.Portal.Tests.Browser;

/// <summary>Issue 6, bad input in the UI: a webhook name that looks like markup is shown as text and never runs.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ScriptLikeInputTests(ChromiumFixture chromium) : IAsyncLifetime
{
    private const string Name = "<img src=x onerror=\"window.__xss=1\"><script>window.__xss=2</script>";

    private readonly PortalAppFactory _app = new(demo: true);
    private IPage _page = default!;

    public async Task InitializeAsync() => _page = await chromium.NewPageAsync(_app.BaseAddress);

    [Fact]
    public async Task ScriptLikeWebhookName_IsRenderedAsText_InTheListAndTheForm()
    {
        await _page.SignInAsync(PortalPageExtensions.NordicAdmin);
        await _page.OpenAsync("webhooks/new");
        await _page.Locator("#webhook-name").EnterAsync(Name);
        await _page.Locator("#webhook-url").EnterAsync("https://erp.nordic-components.example/jakamo/hook");
        await _page.Locator("#auth-basic").CheckAsync();
        await _page.Locator("#basic-user").EnterAsync("jakamo");
        await _page.Locator("#basic-password").EnterAsync("basic-Pa55word-for-erp");
        await _page.ById("event-so.created").CheckAsync();
        await _page.Locator("#webhook-send").ClickAsync();
        await Expect(_page).ToHaveURLAsync(PortalPageExtensions.WebhookList);

        // A fresh load renders the stored name on the server, then in the circuit.
        await _page.OpenAsync("webhooks");
        var cell = _page.GetByTestId("webhook-list").GetByTestId("webhook-name-cell").GetByText(Name, new() { Exact = true });
        await Expect(cell).ToHaveCountAsync(1);
        await Expect(_page.GetByTestId("webhook-list").Locator("img[src=x], script")).ToHaveCountAsync(0);

        await _page.GetByRole(AriaRole.Link, new() { Name = $"Edit {Name}" }).ClickAsync();
        await Expect(_page.Locator("#webhook-name")).ToHaveValueAsync(Name);
        Assert.Equal("undefined", await _page.EvaluateAsync<string>("() => typeof window.__xss"));
    }

    public async Task DisposeAsync()
    {
        await _page.Context.CloseAsync();
        await _app.DisposeAsync();
    }
}
