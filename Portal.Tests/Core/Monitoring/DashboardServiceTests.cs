using Jakamo.Portal.Core.Common;
using Jakamo.Portal.Core.Deliveries;
using Jakamo.Portal.Core.Monitoring;
using Jakamo.Portal.Tests.Builders;
using Jakamo.Portal.Tests.Infrastructure;

namespace Jakamo.Portal.Tests.Core.Monitoring;

/// <summary>SPEC "Support dashboard": every figure is computed from the stored deliveries, attempts and queue messages at the
/// clock's now, over the 24 hours before it.</summary>
public sealed class DashboardServiceTests : IAsyncLifetime
{
    private static readonly TimeSpan Day = TimeSpan.FromHours(24);

    private RecordedHistory _h = default!;

    private DateTime Now => _h.Now;

    private DashboardService Dashboard => _h.Core.Get<DashboardService>();

    public async Task InitializeAsync() => _h = await RecordedHistory.CreateAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task Deliveries_CountsThoseCreatedInTheLast24Hours_WithTheWindowStartIncluded()
    {
        var webhook = await _h.Records.WebhookAsync(_h.Nordic.Id, "ERP");
        await _h.Records.DeliveryAsync(webhook, Now - Day, DeliveryStatus.Pending);
        await _h.Records.DeliveryAsync(webhook, Now - Day - TimeSpan.FromSeconds(1), DeliveryStatus.Pending);
        await _h.Records.DeliveryAsync(webhook, Now - TimeSpan.FromMinutes(1), DeliveryStatus.Succeeded, Sent.Ok(Now - TimeSpan.FromMinutes(1)));

        var summary = await Dashboard.GetAsync(TestData.Support);
        Assert.Equal(2, summary.Deliveries);
        Assert.Equal(Now - Day, summary.WindowStart);

        _h.Core.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, (await Dashboard.GetAsync(TestData.Support)).Deliveries);
    }

    [Fact]
    public async Task SuccessRate_IsSucceededOverSucceededPlusFailed_OfDeliveriesWithAnAttemptInTheWindow()
    {
        var webhook = await _h.Records.WebhookAsync(_h.Nordic.Id, "ERP");
        for (var i = 0; i < 3; i++)
        {
            await _h.Records.DeliveryAsync(webhook, Now - TimeSpan.FromHours(2), DeliveryStatus.Succeeded, Sent.Ok(Now - TimeSpan.FromHours(2)));
        }

        // Created long ago, failed then, resent successfully within the window: it counts, as succeeded.
        await _h.Records.DeliveryAsync(webhook, Now - TimeSpan.FromDays(3), DeliveryStatus.Succeeded,
            Sent.Error(Now - TimeSpan.FromDays(3)), Sent.Ok(Now - TimeSpan.FromHours(1)));
        await _h.Records.DeliveryAsync(webhook, Now - TimeSpan.FromHours(3), DeliveryStatus.Failed, Sent.Error(Now - TimeSpan.FromHours(3)));
        await _h.Records.DeliveryAsync(webhook, Now - Day - TimeSpan.FromHours(1), DeliveryStatus.Failed, Sent.Error(Now - Day));

        // Not counted: the only attempt is older than the window; a pending retry; a held delivery.
        await _h.Records.DeliveryAsync(webhook, Now - TimeSpan.FromHours(30), DeliveryStatus.Failed, Sent.Error(Now - Day - TimeSpan.FromSeconds(1)));
        await _h.Records.DeliveryAsync(webhook, Now - TimeSpan.FromMinutes(20), DeliveryStatus.Pending, Sent.Error(Now - TimeSpan.FromMinutes(20)));
        await _h.Records.DeliveryAsync(webhook, Now - TimeSpan.FromMinutes(10), DeliveryStatus.Held, Sent.Held(Now - TimeSpan.FromMinutes(10)));

        var summary = await Dashboard.GetAsync(TestData.Support);

        Assert.Equal(4, summary.Succeeded);
        Assert.Equal(2, summary.Failed);
        Assert.Equal(4.0 / 6, summary.SuccessRate);
    }

    [Fact]
    public async Task SucceededAndFailed_CountEachDeliveryOnce_HoweverManyOfItsAttemptsFellInTheWindow()
    {
        var erp = await _h.Records.WebhookAsync(_h.Nordic.Id, "ERP");
        var crm = await _h.Records.WebhookAsync(_h.Baltic.Id, "CRM");
        await _h.Records.DeliveryAsync(erp, Now - TimeSpan.FromHours(3), DeliveryStatus.Succeeded,
            Sent.Error(Now - TimeSpan.FromHours(3)), Sent.Error(Now - TimeSpan.FromHours(2)), Sent.Ok(Now - TimeSpan.FromHours(1)));
        await _h.Records.DeliveryAsync(crm, Now - TimeSpan.FromHours(3), DeliveryStatus.Failed,
            Sent.Error(Now - TimeSpan.FromHours(3)), Sent.Refused(Now - TimeSpan.FromHours(2)));
        await _h.Records.DeliveryAsync(crm, Now - TimeSpan.FromHours(2), DeliveryStatus.Succeeded, Sent.Ok(Now - TimeSpan.FromHours(2)));

        var summary = await Dashboard.GetAsync(TestData.Support);

        Assert.Equal((2, 1), (summary.Succeeded, summary.Failed));
        Assert.Equal([crm.Id], summary.FailingWebhooks.Select(f => f.WebhookId));
    }

    [Fact]
    public async Task Figures_AreZero_AndTheSuccessRateUndefined_WithoutData()
    {
        var summary = await Dashboard.GetAsync(TestData.Support);

        Assert.Equal((0, 0, 0, 0, 0), (summary.Deliveries, summary.Succeeded, summary.Failed, summary.Held, summary.QueueBacklog));
        Assert.Null(summary.SuccessRate);
        Assert.Empty(summary.FailingWebhooks);
        Assert.All(summary.Hourly, h => Assert.Equal(0, h.Succeeded + h.Failed + h.HeldOrPending));
    }

    [Fact]
    public async Task HeldAndQueueBacklog_CountWhatIsWaitingNow_WhenEverItArrived()
    {
        var webhook = await _h.Records.WebhookAsync(_h.Nordic.Id, "ERP behind a closed firewall");
        await _h.Records.DeliveryAsync(webhook, Now - TimeSpan.FromHours(1), DeliveryStatus.Held, Sent.Held(Now - TimeSpan.FromHours(1)));
        await _h.Records.DeliveryAsync(webhook, Now - TimeSpan.FromDays(3), DeliveryStatus.Held, Sent.Held(Now - TimeSpan.FromDays(3)));
        await _h.Records.DeliveryAsync(webhook, Now - TimeSpan.FromHours(1), DeliveryStatus.Pending);
        await _h.Records.QueueMessageAsync(_h.Nordic.Id, Now - TimeSpan.FromMinutes(5));
        await _h.Records.QueueMessageAsync(_h.Nordic.Id, Now - TimeSpan.FromDays(5));
        await _h.Records.QueueMessageAsync(_h.Baltic.Id, Now - TimeSpan.FromHours(2));
        await _h.Records.QueueMessageAsync(_h.Baltic.Id, Now - TimeSpan.FromHours(2), removedAt: Now - TimeSpan.FromHours(1));

        var summary = await Dashboard.GetAsync(TestData.Support);

        Assert.Equal(2, summary.Held);
        Assert.Equal(3, summary.QueueBacklog);
    }

    [Fact]
    public async Task Hourly_CountsTheDeliveriesOfEachOfTheLast24ClockHours_ByStatusNow()
    {
        _h.Core.Time.Advance(TimeSpan.FromMinutes(30));
        var today = new DateTime(2026, 12, 1, 0, 0, 0, DateTimeKind.Utc);
        var webhook = await _h.Records.WebhookAsync(_h.Nordic.Id, "ERP");
        await _h.Records.DeliveryAsync(webhook, today.AddHours(-15), DeliveryStatus.Succeeded);
        await _h.Records.DeliveryAsync(webhook, today.AddHours(-15).AddSeconds(-1), DeliveryStatus.Succeeded);
        await _h.Records.DeliveryAsync(webhook, today.AddHours(7), DeliveryStatus.Pending);
        await _h.Records.DeliveryAsync(webhook, today.AddHours(8).AddSeconds(-1), DeliveryStatus.Held);
        await _h.Records.DeliveryAsync(webhook, today.AddHours(8), DeliveryStatus.Succeeded);
        await _h.Records.DeliveryAsync(webhook, today.AddHours(8).AddMinutes(29), DeliveryStatus.Failed);

        var hourly = (await Dashboard.GetAsync(TestData.Support)).Hourly;

        Assert.Equal(24, hourly.Count);
        Assert.Equal(new HourlyDeliveries(today.AddHours(-15), 1, 0, 0), hourly[0]);
        Assert.Equal(new HourlyDeliveries(today.AddHours(7), 0, 0, 2), hourly[22]);
        Assert.Equal(new HourlyDeliveries(today.AddHours(8), 1, 1, 0), hourly[23]);
        Assert.Equal(5, hourly.Sum(h => h.Succeeded + h.Failed + h.HeldOrPending));
    }

    [Fact]
    public async Task FailingWebhooks_AreThoseWhoseLatestSentAttemptFailed_OrWithAFailedDeliveryAttemptedIn24Hours()
    {
        var down = await _h.Records.WebhookAsync(_h.Nordic.Id, "ERP down");
        await _h.Records.DeliveryAsync(down, Now - TimeSpan.FromHours(50), DeliveryStatus.Succeeded, Sent.Ok(Now - TimeSpan.FromHours(50)));
        await _h.Records.DeliveryAsync(down, Now - TimeSpan.FromHours(49), DeliveryStatus.Failed, Sent.Error(Now - TimeSpan.FromHours(49)));
        await _h.Records.DeliveryAsync(down, Now - TimeSpan.FromHours(30), DeliveryStatus.Failed, Sent.Refused(Now - TimeSpan.FromHours(30)));

        var recovered = await _h.Records.WebhookAsync(_h.Baltic.Id, "Recovered ERP");
        await _h.Records.DeliveryAsync(recovered, Now - TimeSpan.FromHours(2), DeliveryStatus.Failed, Sent.Error(Now - TimeSpan.FromHours(2), status: 503));
        await _h.Records.DeliveryAsync(recovered, Now - TimeSpan.FromHours(1), DeliveryStatus.Succeeded, Sent.Ok(Now - TimeSpan.FromHours(1)));

        // Not failing: an old failed delivery followed by a success; a hold after a success; no attempt at all.
        var old = await _h.Records.WebhookAsync(_h.Nordic.Id, "Old failure");
        await _h.Records.DeliveryAsync(old, Now - TimeSpan.FromHours(30), DeliveryStatus.Failed, Sent.Error(Now - TimeSpan.FromHours(30)));
        await _h.Records.DeliveryAsync(old, Now - TimeSpan.FromHours(26), DeliveryStatus.Succeeded, Sent.Ok(Now - TimeSpan.FromHours(26)));
        var held = await _h.Records.WebhookAsync(_h.Nordic.Id, "Held after success");
        await _h.Records.DeliveryAsync(held, Now - TimeSpan.FromHours(5), DeliveryStatus.Succeeded, Sent.Ok(Now - TimeSpan.FromHours(5)));
        await _h.Records.DeliveryAsync(held, Now - TimeSpan.FromHours(1), DeliveryStatus.Held, Sent.Held(Now - TimeSpan.FromHours(1)));
        await _h.Records.WebhookAsync(_h.Nordic.Id, "Quiet");

        var failing = (await Dashboard.GetAsync(TestData.Support)).FailingWebhooks;

        Assert.Equal(
            [
                new FailingWebhook(down.Id, "ERP down", _h.Nordic.Id, "Nordic Components", "connection refused", Now - TimeSpan.FromHours(30), 2, Now - TimeSpan.FromHours(49), 2),
                new FailingWebhook(recovered.Id, "Recovered ERP", _h.Baltic.Id, "Baltic Machinery", "HTTP 503", Now - TimeSpan.FromHours(2), 0, null, 1),
            ],
            failing);
    }

    [Fact]
    public async Task Dashboard_IsForSupportOnly()
    {
        var admin = TestData.AdminOf(_h.Nordic.Id);

        await Assert.ThrowsAsync<PortalForbiddenException>(() => Dashboard.GetAsync(admin));
        await Assert.ThrowsAsync<PortalForbiddenException>(() => Dashboard.GetResendProgressAsync(admin, [1]));
        await Assert.ThrowsAsync<PortalForbiddenException>(() => _h.Core.Get<DeliveryService>().CountForResendAsync(admin, new DeliveryFilter()));
    }
}
