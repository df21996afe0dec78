using Jakamo.Portal.Core.Common;
using Jakamo.Portal.Core.Deliveries;
using Jakamo.Portal.Core.Events;
using Jakamo.Portal.Core.Integrations;
using Jakamo.Portal.Core.Webhooks;
using Jakamo.Portal.Tests.Builders;
using Microsoft.EntityFrameworkCore;

namespace Jakamo.Portal.Tests.Core.Deliveries;

/// <summary>SPEC "Which webhooks an event triggers", and the outbox written with each event.</summary>
public sealed class EventIngestionTests : IAsyncLifetime
{
    private DeliveryHarness _h = default!;

    public async Task InitializeAsync() => _h = await DeliveryHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task Event_TriggersEnabledWebhooksOfTheCompany_WhoseSelectionIncludesIt()
    {
        var selected = await _h.WebhookAsync(w => w.EventTypes = ["so.created"]);
        var all = await _h.WebhookAsync(w => w.EventSelection = EventSelection.All);
        await _h.WebhookAsync(w => w.EventTypes = ["so.changed"]);
        await _h.WebhookAsync(w => w.Enabled = false);
        await using (var db = _h.Core.NewDb())
        {
            var other = await TestData.CompanyAsync(db, "Other");
            await TestData.IntegrationAsync(db, other.Id);
            await _h.Core.Get<WebhookService>().CreateAsync(TestData.AdminOf(other.Id), TestData.Webhook(w => w.PayloadUrl = _h.Receiver.Url().ToString()));
        }

        var published = await _h.PublishAsync("so.created");

        Assert.Equal(2, published.Deliveries);
        await using var check = _h.Core.NewDb();
        Assert.Equal(
            new[] { selected.Id, all.Id }.Order(),
            await check.Deliveries.Where(d => d.EventId == published.EventId).Select(d => d.WebhookId).OrderBy(i => i).ToListAsync());
    }

    [Fact]
    public async Task JobStoreDown_StillAcceptsTheCommittedEvent_AndRecoveryQueuesItsDeliveries()
    {
        var webhook = await _h.WebhookAsync();
        _h.Jobs.Unavailable = true;

        var published = await _h.PublishAsync("so.created");

        Assert.Equal(1, published.Deliveries);
        Assert.Empty(_h.Jobs.FirstAttempts);
        Assert.Equal(DeliveryStatus.Pending, (await _h.DeliveryAsync(published.EventId)).Status);

        _h.Jobs.Unavailable = false;
        var recovered = await _h.Engine.RecoverAsync();
        Assert.Equal(1, recovered.FirstAttempts);
        Assert.Equal(webhook.Id, Assert.Single(_h.Jobs.FirstAttempts).WebhookId);
    }

    [Fact]
    public async Task UntiedWebhook_IsTriggeredBySoAndAsnIntegrations_ButNotByPo()
    {
        await _h.WebhookAsync(w => w.EventSelection = EventSelection.All);

        Assert.Equal(1, (await _h.PublishAsync("so.created", _h.SalesOrder)).Deliveries);
        Assert.Equal(1, (await _h.PublishAsync("asn.created", _h.Asn)).Deliveries);
        Assert.Equal(0, (await _h.PublishAsync("po.created", _h.PurchaseOrder)).Deliveries);
    }

    [Fact]
    public async Task TiedWebhook_IsTriggeredOnlyByItsIntegration()
    {
        await using var db = _h.Core.NewDb();
        await TestData.DesignateAsync(db, _h.Company.Id, _h.SalesOrder.Id);
        var otherSo = await TestData.IntegrationAsync(db, _h.Company.Id, IntegrationKind.SalesOrder, "SO test");
        await _h.WebhookAsync(w => (w.IntegrationId, w.EventSelection) = (_h.SalesOrder.Id, EventSelection.All));

        Assert.Equal(1, (await _h.PublishAsync("so.created", _h.SalesOrder)).Deliveries);
        Assert.Equal(0, (await _h.PublishAsync("so.created", otherSo)).Deliveries);
        Assert.Equal(0, (await _h.PublishAsync("asn.created", _h.Asn)).Deliveries);
    }

    [Fact]
    public async Task NoMatchingWebhook_MakesNoDelivery_AndTheQueueItemStays()
    {
        var published = await _h.PublishAsync("so.created", queue: true);
        await _h.RunJobsAsync();

        Assert.Equal(0, published.Deliveries);
        Assert.Null((await _h.QueueMessageAsync(published.EventId)).RemovedAt);
        Assert.Empty(_h.Jobs.FirstAttempts);
    }

    [Fact]
    public async Task SameExternalId_ReturnsTheOriginalEvent_AndCreatesNothingNew()
    {
        await _h.WebhookAsync();
        var input = new EventInput { Type = "so.created", IntegrationId = _h.SalesOrder.Id, ContentType = "application/xml", Payload = "<o/>", ExternalId = "ERP-4711", Queue = true };
        var ingestion = _h.Core.Get<EventIngestion>();

        var first = await ingestion.PublishAsync(input);
        var again = await ingestion.PublishAsync(input);
        var inBatch = await ingestion.PublishBatchAsync([input, input]);

        Assert.False(first.Duplicate);
        Assert.True(again.Duplicate);
        Assert.Equal(first.EventId, again.EventId);
        Assert.All(inBatch, p => Assert.Equal(first.EventId, p.EventId));
        await using var db = _h.Core.NewDb();
        Assert.Equal(1, await db.Events.CountAsync());
        Assert.Equal(1, await db.Deliveries.CountAsync());
        Assert.Equal(1, await db.QueueMessages.CountAsync());
    }

    [Fact]
    public async Task SameExternalId_SentConcurrently_StoresOneEvent()
    {
        await _h.WebhookAsync();
        var ingestion = _h.Core.Get<EventIngestion>();

        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => ingestion.PublishAsync(
            new EventInput { Type = "so.created", IntegrationId = _h.SalesOrder.Id, ContentType = "application/xml", Payload = "<o/>", ExternalId = "ERP-race" }))));

        Assert.Single(results.Select(r => r.EventId).Distinct());
        Assert.Single(results, r => !r.Duplicate);
        await using var db = _h.Core.NewDb();
        Assert.Equal(1, await db.Events.CountAsync());
        Assert.Equal(1, await db.Deliveries.CountAsync());
    }

    [Fact]
    public async Task Batch_WithOneBadEvent_StoresNothing_AndNamesTheBadOne()
    {
        await _h.WebhookAsync();
        var good = new EventInput { Type = "so.created", IntegrationId = _h.SalesOrder.Id, ContentType = "application/xml", Payload = "<o/>" };
        var bad = new EventInput { Type = "so.exploded", IntegrationId = _h.SalesOrder.Id, ContentType = "application/xml", Payload = "<o/>" };

        var error = await Assert.ThrowsAsync<PortalValidationException>(() => _h.Core.Get<EventIngestion>().PublishBatchAsync([good, bad]));

        Assert.True(error.Errors.ContainsKey("events[1].type"));
        await using var db = _h.Core.NewDb();
        Assert.Equal(0, await db.Events.CountAsync());
        Assert.Equal(0, await db.Deliveries.CountAsync());
    }

    [Fact]
    public async Task Event_ForAnUnknownIntegration_IsRefused()
    {
        var error = await Assert.ThrowsAsync<PortalValidationException>(() => _h.Core.Get<EventIngestion>().PublishAsync(
            new EventInput { Type = "so.created", IntegrationId = 99999, ContentType = "application/xml", Payload = "<o/>" }));
        Assert.Contains("does not exist", error.Errors["integrationId"][0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task FirstAttemptJobs_AreEnqueuedOncePerWebhook_AfterTheCommit()
    {
        var webhook = await _h.WebhookAsync(w => w.EventSelection = EventSelection.All);
        var inputs = Enumerable.Range(0, 5).Select(i => new EventInput { Type = "so.created", IntegrationId = _h.SalesOrder.Id, ContentType = "application/xml", Payload = $"<o>{i}</o>" }).ToList();

        await _h.Core.Get<EventIngestion>().PublishBatchAsync(inputs);

        var job = Assert.Single(_h.Jobs.FirstAttempts);
        Assert.Equal(webhook.Id, job.WebhookId);
        Assert.Equal(5, job.Count);
        Assert.Equal(webhook.Name, job.WebhookName);
        await _h.RunJobsAsync();
        Assert.Equal(5, _h.Receiver.Requests.Count);
        await using var db = _h.Core.NewDb();
        Assert.All(await db.Deliveries.ToListAsync(), d => Assert.Equal(DeliveryStatus.Succeeded, d.Status));
    }
}
