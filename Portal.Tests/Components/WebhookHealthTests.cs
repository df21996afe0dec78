using Bunit;
using Jakamo.Portal.Core.Deliveries;
using Jakamo.Portal.Core.Monitoring;
using Jakamo.Portal.Features.Webhooks;
using Jakamo.Portal.Tests.Builders;
using Jakamo.Portal.Tests.Infrastructure;

namespace Jakamo.Portal.Tests.Components;

/// <summary>A webhook's health as the list's chip and the form's panel show it, computed by the real service over SQLite.</summary>
public sealed class WebhookHealthTests : PortalBunitContext
{
    [Fact]
    public async Task ChipAndPanel_ShowTheFiguresComputedFromTheAttempts()
    {
        await using var history = await RecordedHistory.CreateAsync();
        var (records, now) = (history.Records, history.Now);
        var webhook = await records.WebhookAsync(history.Nordic.Id, "ERP production");
        await records.DeliveryAsync(webhook, now.AddHours(-3), DeliveryStatus.Succeeded, Sent.Ok(now.AddHours(-3), durationMs: 120));
        await records.DeliveryAsync(webhook, now.AddHours(-2), DeliveryStatus.Failed, Sent.Error(now.AddHours(-2), durationMs: 80), Sent.Error(now.AddMinutes(-90), durationMs: 2_500));
        var health = (await history.Core.Get<WebhookHealthService>().GetAsync(TestData.Support, [webhook.Id]))[webhook.Id];

        var chip = Render<WebhookHealthChip>(p => p.Add(c => c.Health, health));
        var panel = Render<WebhookHealthPanel>(p => p.Add(c => c.Health, health));

        Assert.Equal("2 failed in a row", chip.Find("[data-testid=health-chip]").TextContent.Trim());
        Assert.Equal(
            "Last delivery 2026-12-01 06:30 UTC. Success rate (24 h): 33.3 % of 3 attempts. p95 response time (24 h): 2,500 ms. Failures in a row: 2.",
            chip.Find("[data-testid=health-chip]").GetAttribute("aria-label"));
        Assert.Equal("2026-12-01 06:30 UTC", panel.Find("[data-testid=health-last-delivery]").TextContent.Trim());
        Assert.Equal("33.3 % (1 of 3 attempts)", panel.Find("[data-testid=health-success-rate]").TextContent.Trim());
        Assert.Equal("2,500 ms", panel.Find("[data-testid=health-p95]").TextContent.Trim());
        Assert.Equal("2, since 2026-12-01 06:00 UTC", panel.Find("[data-testid=health-streak]").TextContent.Trim());
    }

    [Fact]
    public void Chip_SaysSo_WhenTheWebhookHasNoAttempts()
    {
        var chip = Render<WebhookHealthChip>(p => p.Add(c => c.Health, new WebhookHealth(1, null, 0, 0, null, 0, null)));

        Assert.Equal("No attempts", chip.Find("[data-testid=health-chip]").TextContent.Trim());
    }
}
