using System.Text;
using Jakamo.Portal.Core.Deliveries;
using Microsoft.EntityFrameworkCore;

namespace Jakamo.Portal.Tests.Core.Deliveries;

/// <summary>SPEC "Removal from the queue".</summary>
public sealed class QueueRemovalTests : IAsyncLifetime
{
    private DeliveryHarness _h = default!;

    public async Task InitializeAsync() => _h = await DeliveryHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Theory]
    [InlineData(200)]
    [InlineData(201)]
    [InlineData(204)]
    public async Task Success_200_201_204_RemovesTheQueueItem(int status)
    {
        await _h.WebhookAsync(w => w.RemoveFromQueueOnSuccess = true);
        _h.Receiver.AnswerWith(status);
        var published = await _h.PublishAsync("so.created", queue: true);

        await _h.RunJobsAsync();

        var item = await _h.QueueMessageAsync(published.EventId);
        Assert.NotNull(item.RemovedAt);
        Assert.Equal("webhook", item.RemovedBy);
        Assert.Contains("queue entry removed", Assert.Single((await _h.DeliveryAsync(published.EventId)).Attempts).Messages, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(202, "queue entry kept (202)")]
    [InlineData(500, "queue entry kept (500)")]
    public async Task Accepted_OrAFailure_KeepsTheQueueItem(int status, string message)
    {
        await _h.WebhookAsync(w =>
        {
            w.RemoveFromQueueOnSuccess = true;
            w.EventTypes = ["so.changed"];
        });
        _h.Receiver.AnswerWith(status);
        var published = await _h.PublishAsync("so.changed", queue: true);

        await _h.RunJobsAsync();

        Assert.Null((await _h.QueueMessageAsync(published.EventId)).RemovedAt);
        Assert.Contains(message, Assert.Single((await _h.DeliveryAsync(published.EventId)).Attempts).Messages, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Success_WithoutTheBoxTicked_KeepsTheQueueItem()
    {
        await _h.WebhookAsync(w => w.RemoveFromQueueOnSuccess = false);
        var published = await _h.PublishAsync("so.created", queue: true);

        await _h.RunJobsAsync();

        Assert.Null((await _h.QueueMessageAsync(published.EventId)).RemovedAt);
        Assert.Contains("remove entry from queue on success is off", Assert.Single((await _h.DeliveryAsync(published.EventId)).Attempts).Messages, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SeveralWebhooks_RemoveTheItem_OnlyAfterAllMadeTheirFirstAttempt()
    {
        var remover = await _h.WebhookAsync(w => w.RemoveFromQueueOnSuccess = true, path: "remover");
        var other = await _h.WebhookAsync(w => w.RemoveFromQueueOnSuccess = false, path: "other");
        var published = await _h.PublishAsync("so.created", queue: true);

        await _h.Engine.DeliverFirstAttemptsAsync(remover.Id);
        Assert.Equal(0, (await _h.Engine.RecoverAsync()).QueueItemsRemoved);
        Assert.Null((await _h.QueueMessageAsync(published.EventId)).RemovedAt);
        Assert.Contains("waits for the first attempt of 1 more webhook", Assert.Single((await _h.DeliveryAsync(published.EventId, remover.Id)).Attempts).Messages, StringComparison.Ordinal);

        await _h.Engine.DeliverFirstAttemptsAsync(other.Id);
        var item = await _h.QueueMessageAsync(published.EventId);
        Assert.NotNull(item.RemovedAt);
        Assert.Contains("queue entry removed", Assert.Single((await _h.DeliveryAsync(published.EventId, other.Id)).Attempts).Messages, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SeveralWebhooks_KeepTheItem_WhenTheOneAskingForRemovalDidNotSucceed()
    {
        var remover = await _h.WebhookAsync(w => (w.RemoveFromQueueOnSuccess, w.EventTypes) = (true, ["so.changed"]), path: "remover");
        var other = await _h.WebhookAsync(w => (w.RemoveFromQueueOnSuccess, w.EventTypes) = (false, ["so.changed"]), path: "other");
        _h.Receiver.Respond = async (request, context) => context.Response.StatusCode = request.Path.EndsWith("remover", StringComparison.Ordinal) ? 202 : 200;
        var published = await _h.PublishAsync("so.changed", queue: true);

        await _h.RunJobsAsync();

        Assert.Equal(DeliveryStatus.Succeeded, (await _h.DeliveryAsync(published.EventId, remover.Id)).Status);
        Assert.Equal(DeliveryStatus.Succeeded, (await _h.DeliveryAsync(published.EventId, other.Id)).Status);
        Assert.Equal(0, (await _h.Engine.RecoverAsync()).QueueItemsRemoved);
        Assert.Null((await _h.QueueMessageAsync(published.EventId)).RemovedAt);
    }

    [Fact]
    public async Task Recovery_MakesARemoval_ThatAStoppedProcessLeftUndone()
    {
        await _h.WebhookAsync(w => w.RemoveFromQueueOnSuccess = true, path: "remover");
        await _h.WebhookAsync(w => w.RemoveFromQueueOnSuccess = false, path: "other");
        _h.Receiver.Respond = async (request, context) => context.Response.StatusCode =
            request.Path.EndsWith("remover", StringComparison.Ordinal) && Encoding.UTF8.GetString(request.Body).Contains("keep", StringComparison.Ordinal) ? 202 : 200;
        var removed = await _h.PublishAsync("so.created", queue: true);
        var kept = await _h.PublishAsync("so.created", payload: "<Order><ID>4712</ID><Note>keep</Note></Order>", queue: true);
        await _h.RunJobsAsync();
        Assert.NotNull((await _h.QueueMessageAsync(removed.EventId)).RemovedAt);

        // What a process killed between committing the last first attempt and removing the item leaves behind.
        await using (var db = _h.Core.NewDb())
        {
            await db.QueueMessages.Where(q => q.EventId == removed.EventId)
                .ExecuteUpdateAsync(s => s.SetProperty(q => q.RemovedAt, (DateTime?)null).SetProperty(q => q.RemovedBy, (string?)null));
        }

        var recovered = await _h.Engine.RecoverAsync();

        Assert.Equal(1, recovered.QueueItemsRemoved);
        var item = await _h.QueueMessageAsync(removed.EventId);
        Assert.NotNull(item.RemovedAt);
        Assert.Equal("webhook", item.RemovedBy);
        Assert.Null((await _h.QueueMessageAsync(kept.EventId)).RemovedAt);
    }
}
