using Jakamo.Portal.Core.Deliveries;

namespace Jakamo.Portal.Tests.Core.Deliveries;

/// <summary>SPEC "Automatic retry", on a fake clock.</summary>
public sealed class RetryTests : IAsyncLifetime
{
    private static readonly TimeSpan[] Schedule =
    [
        TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(15), TimeSpan.FromHours(1),
        TimeSpan.FromHours(4), TimeSpan.FromHours(12), TimeSpan.FromHours(24),
    ];

    private DeliveryHarness _h = default!;

    public async Task InitializeAsync() => _h = await DeliveryHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task FailingSoCreated_IsRetriedOnTheSchedule_ThenFails()
    {
        await _h.WebhookAsync();
        _h.Receiver.AnswerWith(500);
        var start = _h.Core.Time.GetUtcNow().UtcDateTime;
        var published = await _h.PublishAsync("so.created");
        await _h.RunJobsAsync();

        var previous = start;
        for (var retry = 0; retry < Schedule.Length; retry++)
        {
            var delivery = await _h.DeliveryAsync(published.EventId);
            Assert.Equal(DeliveryStatus.Pending, delivery.Status);
            var delay = delivery.NextAttemptAt!.Value - previous;
            Assert.InRange(delay, Schedule[retry] * 0.9, Schedule[retry] * 1.1);
            Assert.Contains($"retry {retry + 1} of 7 scheduled at", delivery.Attempts.OrderBy(a => a.Id).Last().Messages, StringComparison.Ordinal);

            _h.Core.Time.Advance(delay - TimeSpan.FromSeconds(1));
            await _h.RunJobsAsync();
            Assert.Equal(retry + 1, (await _h.DeliveryAsync(published.EventId)).Attempts.Count);

            _h.Core.Time.Advance(TimeSpan.FromSeconds(1));
            previous = _h.Core.Time.GetUtcNow().UtcDateTime;
            await _h.RunJobsAsync();
            Assert.Equal(retry + 2, (await _h.DeliveryAsync(published.EventId)).Attempts.Count);
        }

        var failed = await _h.DeliveryAsync(published.EventId);
        Assert.Equal(DeliveryStatus.Failed, failed.Status);
        Assert.Equal(8, _h.Receiver.Requests.Count);
        Assert.Equal([AttemptTrigger.First, .. Enumerable.Repeat(AttemptTrigger.AutomaticRetry, 7)], failed.Attempts.OrderBy(a => a.Id).Select(a => a.Trigger));
        Assert.Contains("all 7 automatic retries used; manual resend required", failed.Attempts.OrderBy(a => a.Id).Last().Messages, StringComparison.Ordinal);
        Assert.InRange(failed.LastAttemptAt!.Value - start, TimeSpan.FromHours(41.7 * 0.9), TimeSpan.FromHours(41.7 * 1.1));
    }

    [Theory]
    [InlineData("so.changed")]
    [InlineData("asn.created")]
    [InlineData("po.created")]
    public async Task OtherEventTypes_GetOneAttempt_AndNeedAManualResend(string type)
    {
        await _h.WebhookAsync(w =>
        {
            w.EventSelection = Jakamo.Portal.Core.Webhooks.EventSelection.All;
            w.IntegrationId = null;
        });
        _h.Receiver.AnswerWith(500);
        var integration = type.StartsWith("po", StringComparison.Ordinal) ? _h.SalesOrder : null;
        var published = await _h.PublishAsync(type, integration);

        await _h.RunJobsAsync();
        _h.Core.Time.Advance(TimeSpan.FromDays(3));
        await _h.RunJobsAsync();

        var delivery = await _h.DeliveryAsync(published.EventId);
        Assert.Equal(DeliveryStatus.Failed, delivery.Status);
        Assert.Single(delivery.Attempts);
        Assert.Contains("automatic retry exists only for so.created events; manual resend required", delivery.Attempts[0].Messages, StringComparison.Ordinal);
        Assert.Empty(_h.Jobs.Retries);
    }

    [Fact]
    public async Task DisabledAutomaticRetry_GivesOneAttempt()
    {
        await _h.WebhookAsync(w => w.DisableAutomaticRetry = true);
        _h.Receiver.AnswerWith(500);
        var published = await _h.PublishAsync("so.created");

        await _h.RunJobsAsync();
        _h.Core.Time.Advance(TimeSpan.FromDays(3));
        await _h.RunJobsAsync();

        var delivery = await _h.DeliveryAsync(published.EventId);
        Assert.Equal(DeliveryStatus.Failed, delivery.Status);
        Assert.Single(delivery.Attempts);
        Assert.Contains("automatic retry is disabled for this webhook; manual resend required", delivery.Attempts[0].Messages, StringComparison.Ordinal);
    }

    [Fact]
    public void RetryPolicy_ClampsRetryAfter_AndAppliesJitter()
    {
        var schedule = DeliveryOptions.DefaultRetrySchedule;
        Assert.Equal(TimeSpan.FromMinutes(0.9), RetryPolicy.Delay(schedule, 0, 0.1, 0, null));
        Assert.Equal(TimeSpan.FromMinutes(1.1), RetryPolicy.Delay(schedule, 0, 0.1, 1, null));
        Assert.Equal(TimeSpan.FromHours(24), RetryPolicy.Delay(schedule, 6, 0.1, 0.5, null));
        Assert.Equal(TimeSpan.FromMinutes(5), RetryPolicy.Delay(schedule, 1, 0.1, 0.5, TimeSpan.FromSeconds(1)));
        Assert.Equal(TimeSpan.FromMinutes(10), RetryPolicy.Delay(schedule, 1, 0.1, 0.5, TimeSpan.FromDays(1)));
        Assert.Equal(TimeSpan.FromMinutes(7), RetryPolicy.Delay(schedule, 1, 0.1, 0.5, TimeSpan.FromMinutes(7)));
        Assert.True(RetryPolicy.Applies("so.created", retryDisabled: false));
        Assert.False(RetryPolicy.Applies("so.created", retryDisabled: true));
        Assert.False(RetryPolicy.Applies("so.changed", retryDisabled: false));
    }

    [Fact]
    public async Task RetryJob_IsIdempotent_WhenRunTwiceOrEarly()
    {
        await _h.WebhookAsync();
        _h.Receiver.AnswerWith(500);
        var published = await _h.PublishAsync("so.created");
        await _h.RunJobsAsync();
        var delivery = await _h.DeliveryAsync(published.EventId);

        Assert.False(await _h.Engine.RetryAsync(delivery.Id));
        _h.Core.Time.Advance(TimeSpan.FromMinutes(2));
        Assert.True(await _h.Engine.RetryAsync(delivery.Id));
        Assert.False(await _h.Engine.RetryAsync(delivery.Id));

        Assert.Equal(2, _h.Receiver.Requests.Count);
    }
}
