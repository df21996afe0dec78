using Jakamo.Portal.Core.Common;
using Jakamo.Portal.Core.Deliveries;
using Jakamo.Portal.Tests.Builders;
using Microsoft.EntityFrameworkCore;

namespace Jakamo.Portal.Tests.Core.Deliveries;

/// <summary>SPEC "Manual resend" and "Data stays safe": resends record who asked; recovery finds lost work.</summary>
public sealed class ResendAndRecoveryTests : IAsyncLifetime
{
    private DeliveryHarness _h = default!;

    private DeliveryService Deliveries => _h.Core.Get<DeliveryService>();

    public async Task InitializeAsync() => _h = await DeliveryHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task CompanyAdmin_ResendsTheirOwnFailedDelivery_AsAManualAttemptRecordingWhoAsked()
    {
        await _h.WebhookAsync(w => (w.DisableAutomaticRetry, w.RemoveFromQueueOnSuccess) = (true, true));
        _h.Receiver.AnswerWith(500);
        var published = await _h.PublishAsync("so.created", queue: true);
        await _h.RunJobsAsync();
        var failed = await _h.DeliveryAsync(published.EventId);
        Assert.Equal(DeliveryStatus.Failed, failed.Status);

        _h.Receiver.AnswerWith(200);
        var admin = TestData.AdminOf(_h.Company.Id);
        await Deliveries.RequestResendAsync(admin, failed.Id);
        await _h.RunJobsAsync();

        var resent = await _h.DeliveryAsync(published.EventId);
        Assert.Equal(DeliveryStatus.Succeeded, resent.Status);
        var manual = resent.Attempts.OrderBy(a => a.Id).Last();
        Assert.Equal(AttemptTrigger.Manual, manual.Trigger);
        Assert.Equal(admin.UserName, manual.TriggeredBy);
        Assert.Equal(2, manual.Number);
        Assert.NotNull((await _h.QueueMessageAsync(published.EventId)).RemovedAt);
    }

    [Fact]
    public async Task AnotherCompanysAdmin_CannotSeeOrResend_ButSupportCan()
    {
        await _h.WebhookAsync(w => w.EventTypes = ["so.changed"]);
        _h.Receiver.AnswerWith(500);
        var published = await _h.PublishAsync("so.changed");
        await _h.RunJobsAsync();
        var delivery = await _h.DeliveryAsync(published.EventId);
        var intruder = TestData.AdminOf(_h.Company.Id + 1000);

        await Assert.ThrowsAsync<PortalNotFoundException>(() => Deliveries.RequestResendAsync(intruder, delivery.Id));
        await Assert.ThrowsAsync<PortalNotFoundException>(() => Deliveries.GetAsync(intruder, delivery.Id));
        Assert.Equal(0, (await Deliveries.ListAsync(intruder, new DeliveryFilter())).TotalCount);

        await Deliveries.RequestResendAsync(TestData.Support, delivery.Id);
        await _h.RunJobsAsync();
        Assert.Equal(TestData.Support.UserName, (await _h.DeliveryAsync(published.EventId)).Attempts.OrderBy(a => a.Id).Last().TriggeredBy);
    }

    [Fact]
    public async Task FailedManualResend_IsNeverRescheduled()
    {
        await _h.WebhookAsync(w => w.DisableAutomaticRetry = true);
        _h.Receiver.AnswerWith(500);
        var published = await _h.PublishAsync("so.created");
        await _h.RunJobsAsync();
        var delivery = await _h.DeliveryAsync(published.EventId);

        await Deliveries.RequestResendAsync(TestData.Support, delivery.Id);
        await _h.RunJobsAsync();
        _h.Core.Time.Advance(TimeSpan.FromDays(3));
        await _h.RunJobsAsync();

        var after = await _h.DeliveryAsync(published.EventId);
        Assert.Equal(DeliveryStatus.Failed, after.Status);
        Assert.Equal(2, after.Attempts.Count);
        Assert.Contains("manual resend failed; manual resend required", after.Attempts.OrderBy(a => a.Id).Last().Messages, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BulkResend_ResendsEveryFailedDeliveryMatchingTheFilter()
    {
        var webhook = await _h.WebhookAsync(w => w.EventTypes = ["so.changed", "asn.created"]);
        _h.Receiver.AnswerWith(500);
        for (var i = 0; i < 3; i++)
        {
            await _h.PublishAsync("so.changed");
        }

        await _h.PublishAsync("asn.created");
        await _h.RunJobsAsync();
        _h.Receiver.AnswerWith(200);

        await Assert.ThrowsAsync<PortalForbiddenException>(() => Deliveries.BulkResendAsync(TestData.AdminOf(_h.Company.Id), new DeliveryFilter()));
        var result = await Deliveries.BulkResendAsync(TestData.Support, new DeliveryFilter { WebhookId = webhook.Id, EventType = "so.changed" });
        await _h.RunJobsAsync();

        Assert.Equal(3, result.Queued);
        var page = await Deliveries.ListAsync(TestData.Support, new DeliveryFilter { WebhookId = webhook.Id });
        Assert.Equal(3, page.Items.Count(d => d.Status == DeliveryStatus.Succeeded));
        Assert.Equal(DeliveryStatus.Failed, Assert.Single(page.Items, d => d.EventType == "asn.created").Status);
    }

    [Fact]
    public async Task Recovery_ReEnqueuesDueWork_ThatTheJobSystemLost()
    {
        var webhook = await _h.WebhookAsync();
        _h.Receiver.AnswerWith(500);
        var first = await _h.PublishAsync("so.created");
        await _h.RunJobsAsync();
        var second = await _h.PublishAsync("so.created");
        var failedOnce = await _h.DeliveryAsync(first.EventId);
        await Deliveries.RequestResendAsync(TestData.Support, failedOnce.Id);
        _h.Jobs.FirstAttempts.Clear();
        _h.Jobs.Retries.Clear();
        _h.Jobs.Resends.Clear();
        _h.Core.Time.Advance(TimeSpan.FromMinutes(2));

        var recovered = await _h.Engine.RecoverAsync();

        Assert.Equal(1, recovered.FirstAttempts);
        Assert.Equal(0, recovered.Retries);
        Assert.Equal(1, recovered.Resends);
        Assert.Contains(_h.Jobs.FirstAttempts, j => j.WebhookId == webhook.Id);
        _h.Receiver.AnswerWith(200);
        await _h.RunJobsAsync();
        Assert.Equal(DeliveryStatus.Succeeded, (await _h.DeliveryAsync(second.EventId)).Status);
        Assert.Equal(DeliveryStatus.Succeeded, (await _h.DeliveryAsync(first.EventId)).Status);
    }

    [Fact]
    public async Task Claims_KeepASecondJobFromSendingTheSameDelivery()
    {
        var webhook = await _h.WebhookAsync();
        var release = new TaskCompletionSource();
        _h.Receiver.Respond = async (_, context) =>
        {
            await release.Task.WaitAsync(TimeSpan.FromSeconds(20));
            context.Response.StatusCode = 200;
        };
        await _h.PublishAsync("so.created");

        var firstJob = _h.Engine.DeliverFirstAttemptsAsync(webhook.Id);
        await Infrastructure.Poll.UntilAsync(() => Task.FromResult(!_h.Receiver.Requests.IsEmpty), because: "the first job is sending");
        var secondJob = await _h.Engine.DeliverFirstAttemptsAsync(webhook.Id);
        var recovered = await _h.Engine.RecoverAsync();
        release.SetResult();

        Assert.Equal(0, secondJob);
        Assert.Equal(0, recovered.FirstAttempts);
        Assert.Equal(1, await firstJob);
        Assert.Single(_h.Receiver.Requests);
    }

    [Fact]
    public async Task Retention_DeletesOldPayloads_AndKeepsTheAttempts()
    {
        await _h.WebhookAsync();
        var old = await _h.PublishAsync("so.created");
        await _h.RunJobsAsync();
        _h.Core.Time.Advance(TimeSpan.FromDays(91));
        var recent = await _h.PublishAsync("so.created");
        await _h.RunJobsAsync();

        var purged = await _h.Core.Get<RetentionService>().PurgeAsync();

        Assert.Equal(1, purged);
        var oldAttempt = Assert.Single((await _h.DeliveryAsync(old.EventId)).Attempts);
        Assert.Null(oldAttempt.RequestBody);
        Assert.Null(oldAttempt.ResponseBody);
        Assert.NotNull(oldAttempt.PayloadsPurgedAt);
        Assert.NotNull(Assert.Single((await _h.DeliveryAsync(recent.EventId)).Attempts).RequestBody);
        await using var db = _h.Core.NewDb();
        Assert.Equal(2, await db.Attempts.CountAsync());
    }
}
