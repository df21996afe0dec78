using System.Text.RegularExpressions;
using Jakamo.Portal.Core.Demo;
using Microsoft.Playwright;

namespace Jakamo.Portal.Tests.Browser;

/// <summary>Steps every browser test repeats: signing in and opening a page once its circuit is live.</summary>
public static class PortalPageExtensions
{
    public static DemoLogin NordicAdmin => PortalInitializer.DemoLogins.Single(l => l.Company == DemoData.SupplierName);

    public static DemoLogin BalticAdmin => PortalInitializer.DemoLogins.Single(l => l.Company == DemoData.BuyerName);

    public static DemoLogin Support => PortalInitializer.DemoLogins.Single(l => l.Role == "Support");

    /// <summary>The webhook list of one company, where the form returns after a save.</summary>
    public static Regex WebhookList { get; } = new(@"/webhooks\?company=\d+$");

    /// <summary>Signs in through the real login form and waits until the home page is interactive.</summary>
    public static async Task SignInAsync(this IPage page, DemoLogin login)
    {
        await page.GotoAsync("account/login");
        await page.Locator("#login-email").FillAsync(login.Email);
        await page.Locator("#login-password").FillAsync(login.Password);
        await page.Locator("#login-submit").ClickAsync();
        await Assertions.Expect(page.GetByTestId("signed-in-user")).ToHaveTextAsync(login.Email);
        await page.WaitForInteractiveAsync();
    }

    /// <summary>Loads a page and waits for its circuit: clicks made on the prerendered page before that are lost.</summary>
    public static async Task<IResponse> OpenAsync(this IPage page, string relativeUrl)
    {
        var response = await page.GotoAsync(relativeUrl)
            ?? throw new InvalidOperationException($"No response for {relativeUrl}.");
        Assert.True(response.Ok, $"GET {relativeUrl} answered {response.Status}.");
        await page.WaitForInteractiveAsync();
        return response;
    }

    /// <summary>MainLayout renders <c>#interactive</c> only once the SignalR circuit renders the page.</summary>
    public static Task WaitForInteractiveAsync(this IPage page) =>
        page.Locator("#interactive").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached });

    /// <summary>Types into a MudTextField and leaves it, since the field commits its value on change.</summary>
    public static async Task EnterAsync(this ILocator input, string value)
    {
        await input.FillAsync(value);
        await input.BlurAsync();
    }

    /// <summary>An element by id, for ids such as <c>event-so.created</c> whose dot a CSS <c>#id</c> selector would misread.</summary>
    public static ILocator ById(this IPage page, string id) => page.Locator($"[id=\"{id}\"]");
}
