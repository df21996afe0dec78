using Jakamo.Portal.Core.Deliveries;
using Jakamo.Portal.Core.Monitoring;
using Jakamo.Portal.Core.Webhooks;
using Jakamo.Portal.Tests.Builders;
using Jakamo.Portal.Tests.Infrastructure;

namespace Jakamo.Portal.Tests.Core.Monitoring;

/// <summary>Each webhook's health, computed from its attempts: held attempts were never sent and count nowhere.</summary>
public sealed class WebhookHealthServiceTests : IAsyncLifetime
{
    private static readonly TimeSpan Day = TimeSpan.FromHours(24);

    private RecordedHistory _h = default!;

    private DateTime Now => _h.Now;

    public async Task InitializeAsync() => _h = await RecordedHistory.CreateAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task LastAttemptAt_IsTheLatestSentAttempt_NotAHeldOne()
    {
        var webhook = await WebhookWithAttemptsAsync(Sent.Ok(Ago(72)), Sent.Error(Ago(2)), Sent.Held(Ago(1)));

        Assert.Equal(Ago(2), (await HealthAsync(webhook)).LastAttemptAt);
    }

    [Fact]
    public async Task SuccessRate_CountsTheSentAttemptsOfTheLast24Hours_WithTheWindowStartIncluded()
    {
        var webhook = await WebhookWithAttemptsAsync(
            Sent.Error(Now - Day - TimeSpan.FromSeconds(1)), Sent.Ok(Now - Day), Sent.Error(Ago(2)), Sent.Ok(Ago(1)), Sent.Held(Ago(1)));

        var health = await HealthAsync(webhook);

        Assert.Equal((2, 1), (health.Succeeded, health.Failed));
        Assert.Equal(2.0 / 3, health.SuccessRate);
    }

    [Fact]
    public async Task P95_IsTheNearestRankDuration_OfTheLast24HoursAttemptsThatGotAResponse()
    {
        var attempts = Enumerable.Range(1, 20)
            .Select(i => i % 3 == 0 ? Sent.Error(Ago(3), durationMs: i * 10) : Sent.Ok(Ago(3), durationMs: i * 10))
            .Append(new Sent(Ago(2), AttemptOutcome.Failed, null, 30_000, "timed out after 30 s"))
            .Append(Sent.Ok(Now - Day - TimeSpan.FromMinutes(1), durationMs: 99_999))
            .ToArray();
        var busy = await WebhookWithAttemptsAsync(attempts);
        var single = await WebhookWithAttemptsAsync(Sent.Ok(Ago(1), durationMs: 42));
        var unreachable = await WebhookWithAttemptsAsync(new Sent(Ago(1), AttemptOutcome.Failed, null, 30_000, "timed out after 30 s"));

        var health = await _h.Core.Get<WebhookHealthService>().GetAsync(TestData.Support, [busy.Id, single.Id, unreachable.Id]);

        Assert.Equal(190, health[busy.Id].P95ResponseMs);
        Assert.Equal(42, health[single.Id].P95ResponseMs);
        Assert.Null(health[unreachable.Id].P95ResponseMs);
    }

    [Fact]
    public async Task FailureStreak_CountsTheFailedAttemptsSinceTheLastSuccess()
    {
        var failing = await WebhookWithAttemptsAsync(
            Sent.Error(Ago(10)), Sent.Ok(Ago(9)), Sent.Error(Ago(8)), Sent.Held(Ago(7)), Sent.Refused(Ago(6)), Sent.Error(Ago(5)));
        var neverWorked = await WebhookWithAttemptsAsync(Sent.Error(Ago(72)), Sent.Refused(Ago(48)));
        var recovered = await WebhookWithAttemptsAsync(Sent.Error(Ago(3)), Sent.Ok(Ago(2)));

        var health = await _h.Core.Get<WebhookHealthService>().GetAsync(TestData.Support, [failing.Id, neverWorked.Id, recovered.Id]);

        Assert.Equal((3, Ago(8)), (health[failing.Id].FailureStreak, health[failing.Id].FailingSince));
        Assert.Equal((2, Ago(72)), (health[neverWorked.Id].FailureStreak, health[neverWorked.Id].FailingSince));
        Assert.Equal((0, (DateTime?)null), (health[recovered.Id].FailureStreak, health[recovered.Id].FailingSince));
    }

    [Fact]
    public async Task Webhook_WithoutAttempts_HasNoFigures()
    {
        var quiet = await _h.Records.WebhookAsync(_h.Nordic.Id, "Quiet");

        Assert.Equal(new WebhookHealth(quiet.Id, null, 0, 0, null, 0, null), await HealthAsync(quiet));
    }

    [Fact]
    public async Task CompanyAdmin_GetsTheHealthOfTheirOwnCompanysWebhooksOnly()
    {
        var nordic = await WebhookWithAttemptsAsync(Sent.Ok(Ago(1)));
        var baltic = await _h.Records.WebhookAsync(_h.Baltic.Id, "Baltic ERP");
        await _h.Records.DeliveryAsync(baltic, Ago(1), DeliveryStatus.Failed, Sent.Error(Ago(1)));
        var service = _h.Core.Get<WebhookHealthService>();

        Assert.Equal([nordic.Id], (await service.GetAsync(TestData.AdminOf(_h.Nordic.Id), [nordic.Id, baltic.Id])).Keys);
        Assert.Empty(await service.GetAsync(TestData.AdminOf(_h.Baltic.Id), [nordic.Id]));
        Assert.Equal(new[] { nordic.Id, baltic.Id }.Order(), (await service.GetAsync(TestData.Support, [nordic.Id, baltic.Id])).Keys.Order());
    }

    private DateTime Ago(int hours) => Now - TimeSpan.FromHours(hours);

    /// <summary>A Nordic webhook with one delivery per attempt, recorded in the order given.</summary>
    private async Task<Webhook> WebhookWithAttemptsAsync(params Sent[] attempts)
    {
        var webhook = await _h.Records.WebhookAsync(_h.Nordic.Id, $"ERP {Guid.NewGuid():n}"[..12]);
        foreach (var attempt in attempts)
        {
            var status = attempt.Outcome switch
            {
                AttemptOutcome.Succeeded => DeliveryStatus.Succeeded,
                AttemptOutcome.Failed => DeliveryStatus.Failed,
                _ => DeliveryStatus.Held,
            };
            await _h.Records.DeliveryAsync(webhook, attempt.At, status, attempt);
        }

        return webhook;
    }

    private async Task<WebhookHealth> HealthAsync(Webhook webhook) =>
        (await _h.Core.Get<WebhookHealthService>().GetAsync(TestData.Support, [webhook.Id]))[webhook.Id];
}
