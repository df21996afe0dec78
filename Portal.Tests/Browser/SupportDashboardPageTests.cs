using System.Text.RegularExpressions;
using Jakamo.Portal.Core.Data;
using Jakamo.Portal.Core.Deliveries;
using Jakamo.Portal.Core.Demo;
using Jakamo.Portal.Tests.Builders;
using Jakamo.Portal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Jakamo.Portal.Tests.Browser;

/// <summary>The support dashboard: a failing webhook shows up, and a bulk resend confirms its count, shows progress and sums up.</summary>
[Collection(BrowserCollection.Name)]
public sealed class SupportDashboardPageTests(ChromiumFixture chromium) : IAsyncLifetime
{
    // Holds the receiver's answers to all but the first resend, so the progress can be seen half way.
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ReceiverScenario _scenario = default!;
    private IPage _page = default!;

    private PortalAppFactory App => _scenario.App;

    public async Task InitializeAsync()
    {
        _scenario = await ReceiverScenario.StartAsync(["so.changed"]);
        _page = await chromium.NewPageAsync(App.BaseAddress);
    }

    [Fact]
    public async Task Support_SeesTheFailingWebhook_AndABulkResendShowsProgressThenASummaryWithTheRightCount()
    {
        var webhook = _scenario.Webhook;
        await RecordADayOfSuccessfulDeliveriesAsync();

        _scenario.Receiver.AnswerWith(500, "{\"error\":\"ERP is down\"}");
        for (var i = 1; i <= 3; i++)
        {
            await _scenario.PublishAsync("so.changed", $"SO-470{i}");
        }

        var deliveries = App.Services.GetRequiredService<DeliveryService>();
        var failed = new DeliveryFilter { WebhookId = webhook.Id, Status = DeliveryStatus.Failed };
        await Poll.UntilAsync(async () => (await deliveries.ListAsync(TestData.Support, failed)).TotalCount == 3, TimeSpan.FromSeconds(20), "three deliveries failed");

        await _page.SignInAsync(PortalPageExtensions.Support);
        // Tall enough for the whole dashboard in one view: a full-page shot would cut the navigation drawer off at the
        // first screen's height, and resizing after the chart has measured itself would redraw it.
        await _page.SetViewportSizeAsync(1366, 1100);
        await _page.OpenAsync("support/dashboard");
        var row = _page.GetByTestId("failing-webhooks").Locator("tbody tr", new() { HasText = "ERP production" });
        await Expect(row).ToContainTextAsync(DemoData.SupplierName);
        await Expect(row).ToContainTextAsync("HTTP 500");
        await Expect(row.Locator("td[data-label='Failures in a row']")).ToHaveTextAsync("3");
        await Expect(_page.GetByTestId("figure-failing-webhooks-value")).ToHaveTextAsync("1");
        await Expect(_page.GetByTestId("hourly-chart").Locator("path.mud-chart-bar")).Not.ToHaveCountAsync(0);
        await Screenshots.SaveAsync(_page, "support-dashboard.png");

        var answered = 0;
        _scenario.Receiver.Respond = async (_, context) =>
        {
            if (Interlocked.Increment(ref answered) > 1)
            {
                await _release.Task;
            }

            context.Response.StatusCode = 200;
        };
        await row.GetByRole(AriaRole.Button, new() { Name = "Resend failed deliveries of ERP production" }).ClickAsync();
        var dialog = _page.GetByRole(AriaRole.Dialog);
        await Expect(dialog).ToContainTextAsync("Resend 3 Failed deliveries matching this filter?");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Resend 3" }).ClickAsync();

        var progress = _page.GetByTestId("resend-progress");
        await Expect(progress).ToContainTextAsync("Resent 1 of 3");
        await Expect(progress.GetByRole(AriaRole.Progressbar)).ToBeVisibleAsync();
        _release.SetResult();
        await Expect(_page.GetByTestId("resend-summary")).ToContainTextAsync("Resend finished: 3 succeeded, 0 failed.");
        await Expect(progress).ToContainTextAsync("Resent 3 of 3");
        await Expect(_page.GetByTestId("failing-webhooks")).Not.ToContainTextAsync("ERP production");
        Assert.Equal(0, (await deliveries.ListAsync(TestData.Support, failed)).TotalCount);

        await _page.Locator("#hangfire-link").ClickAsync();
        await Expect(_page).ToHaveURLAsync(new Regex("/hangfire$"));
        await Expect(_page.Locator("body")).ToContainTextAsync("Jakamo Portal jobs");
    }

    /// <summary>Succeeded deliveries of the demo webhook over the last day, so the hourly chart has a history to show.</summary>
    private async Task RecordADayOfSuccessfulDeliveriesAsync()
    {
        var dbFactory = App.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        await using var db = await dbFactory.CreateDbContextAsync();
        var demo = await db.Webhooks.AsNoTracking().SingleAsync(w => w.Name == DemoData.DemoWebhookName);
        var records = new DeliveryRecords(dbFactory);
        var now = TimeProvider.System.GetUtcNow().UtcDateTime;
        // Oldest first, so attempt ids follow time as they do when the engine records them.
        for (var hour = 23; hour > 0; hour--)
        {
            for (var i = 0; i < 2 + (hour * 7 % 5); i++)
            {
                var at = now - TimeSpan.FromHours(hour) + TimeSpan.FromMinutes(i * 7);
                await records.DeliveryAsync(demo, at, DeliveryStatus.Succeeded, Sent.Ok(at, durationMs: 80 + (i * 15)));
            }
        }
    }

    public async Task DisposeAsync()
    {
        _release.TrySetResult();
        await _page.Context.CloseAsync();
        await _scenario.DisposeAsync();
    }
}
