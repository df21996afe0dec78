using Jakamo.Portal.Core.Deliveries;
using Jakamo.Portal.Core.Monitoring;
using Jakamo.Portal.Tests.Builders;
using Jakamo.Portal.Tests.Core.Deliveries;

namespace Jakamo.Portal.Tests.Core.Monitoring;

/// <summary>SPEC "Manual resend", from the support dashboard: the count is known before sending, and progress follows the
/// engine consuming each resend request, through the real engine and receiver.</summary>
public sealed class BulkResendProgressTests : IAsyncLifetime
{
    private DeliveryHarness _h = default!;

    private DeliveryService Deliveries => _h.Core.Get<DeliveryService>();

    private DashboardService Dashboard => _h.Core.Get<DashboardService>();

    public async Task InitializeAsync() => _h = await DeliveryHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task BulkResend_IsCountedFirst_ThenProgressCountsConsumedRequests_AndTheirOutcome()
    {
        var webhook = await _h.WebhookAsync(w => w.EventTypes = ["so.changed"]);
        _h.Receiver.AnswerWith(500);
        for (var i = 0; i < 3; i++)
        {
            await _h.PublishAsync("so.changed");
        }

        await _h.RunJobsAsync();
        var filter = new DeliveryFilter { WebhookId = webhook.Id };
        Assert.Equal(3, await Deliveries.CountForResendAsync(TestData.Support, filter));

        var answered = 0;
        _h.Receiver.Respond = (_, context) =>
        {
            context.Response.StatusCode = Interlocked.Increment(ref answered) <= 2 ? 200 : 500;
            return Task.CompletedTask;
        };
        var result = await Deliveries.BulkResendAsync(TestData.Support, new DeliveryFilter { WebhookId = webhook.Id });

        Assert.Equal(3, result.Queued);
        Assert.Equal(0, await Deliveries.CountForResendAsync(TestData.Support, new DeliveryFilter { WebhookId = webhook.Id }));
        Assert.Equal(new ResendProgress(3, 0, 0, 0), await Dashboard.GetResendProgressAsync(TestData.Support, result.DeliveryIds));

        Assert.True(_h.Jobs.Resends.TryDequeue(out var first));
        await _h.Engine.ResendAsync(first.DeliveryId!.Value);
        Assert.Equal(new ResendProgress(3, 1, 1, 0), await Dashboard.GetResendProgressAsync(TestData.Support, result.DeliveryIds));

        await _h.RunJobsAsync();
        var done = await Dashboard.GetResendProgressAsync(TestData.Support, result.DeliveryIds);
        Assert.Equal(new ResendProgress(3, 3, 2, 0), done);
        Assert.Equal(1, done.Failed);
        Assert.True(done.Finished);
    }
}
