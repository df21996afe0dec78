using System.Collections.Concurrent;
using Jakamo.Portal.Core.Demo;
using Jakamo.Portal.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Jakamo.Portal.Tests.Browser;

/// <summary>The portal's pages work in Chromium under their strict Content-Security-Policy, without one violation.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ContentSecurityPolicyTests(ChromiumFixture chromium) : IAsyncLifetime
{
    private readonly PortalAppFactory _app = new(demo: true);
    private readonly ConcurrentQueue<string> _violations = new();
    private IPage _page = default!;

    public async Task InitializeAsync()
    {
        _page = await chromium.NewPageAsync(_app.BaseAddress);
        _page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
            {
                _violations.Enqueue($"console: {message.Text}");
            }
        };
        // The event reports what the console may word differently, inline styles and eval included.
        await _page.Context.ExposeFunctionAsync("reportCspViolation", (string violation) => _violations.Enqueue($"event: {violation}"));
        await _page.Context.AddInitScriptAsync(
            "document.addEventListener('securitypolicyviolation', e => window.reportCspViolation(`${e.violatedDirective} blocked ${e.blockedURI} at ${e.sourceFile}:${e.lineNumber}`));");
    }

    [Fact]
    public async Task SignIn_WebhookList_AndTransportLog_WorkUnderThePolicy_WithoutAViolation()
    {
        var login = await _page.GotoAsync("account/login");
        Assert.Contains("script-src 'self' 'nonce-", await login!.HeaderValueAsync("content-security-policy"), StringComparison.Ordinal);

        await _page.SignInAsync(PortalPageExtensions.NordicAdmin);

        var webhooks = await _page.OpenAsync("webhooks");
        Assert.Contains("frame-ancestors 'none'", await webhooks.HeaderValueAsync("content-security-policy"), StringComparison.Ordinal);
        await Expect(_page.GetByText(DemoData.DemoWebhookName)).ToBeVisibleAsync();

        await _page.OpenAsync("transport-log");
        await Expect(_page.GetByTestId("attempt-grid")).ToBeVisibleAsync();

        Assert.True(_violations.IsEmpty, "Content-Security-Policy violations:\n" + string.Join('\n', _violations));
    }

    public async Task DisposeAsync()
    {
        await _page.Context.CloseAsync();
        _app.Dispose();
    }
}
