using Jakamo.Portal.Core.Common;
using Jakamo.Portal.Core.Deliveries;
using Jakamo.Portal.Core.Events;
using Jakamo.Portal.Core.Monitoring;
using Jakamo.Portal.Core.Webhooks;
using Jakamo.Portal.Tests.Builders;
using Jakamo.Portal.Tests.Core.Deliveries;
using Microsoft.EntityFrameworkCore;

namespace Jakamo.Portal.Tests.Core.Data;

/// <summary>The core webhook and delivery path on a real PostgreSQL database, migrated fresh for each test: the
/// provider's migrations apply, and what SQLite does the same way PostgreSQL does too (claims, recovery, the log's and
/// the dashboard's queries, case-insensitive names, UTC times).</summary>
[Trait("Category", "PostgreSql")]
public sealed class PostgreSqlProviderTests : IAsyncLifetime
{
    private DeliveryHarness _h = default!;

    public async Task InitializeAsync() =>
        _h = await DeliveryHarness.StartAsync(new() { ["Portal:Delivery:BatchSize"] = "10" }, onPostgreSql: true);

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task EventsBatch_IsDelivered_AndShowsInTheTransportLogAndDashboard()
    {
        var webhook = await _h.WebhookAsync();
        var inputs = Enumerable.Range(1, 25).Select(i => new EventInput
        {
            Type = "so.created",
            IntegrationId = _h.SalesOrder.Id,
            ContentType = "application/xml",
            Payload = $"<Order><ID>{i}</ID></Order>",
            ExternalId = $"ext-{i}",
            Reference = $"SO-{i}",
        }).ToList();

        var published = await _h.Core.Get<EventIngestion>().PublishBatchAsync(inputs);
        await _h.RunJobsAsync();

        Assert.Equal(25, _h.Receiver.Requests.Count);
        await using (var db = _h.Core.NewDb())
        {
            Assert.Equal(25, await db.Deliveries.CountAsync(d => d.WebhookId == webhook.Id && d.Status == DeliveryStatus.Succeeded && d.LeaseOwner == null));
            Assert.All(await db.Attempts.Select(a => a.StartedAt).ToListAsync(), at => Assert.Equal(DateTimeKind.Utc, at.Kind));
        }

        // A date from a picker or query string carries no zone; it is taken as UTC.
        var today = DateTime.SpecifyKind(_h.Core.Time.GetUtcNow().UtcDateTime.Date, DateTimeKind.Unspecified);
        var log = _h.Core.Get<IAttemptLog>();
        var found = await log.ListAsync(TestData.AdminOf(_h.Company.Id), new AttemptFilter { From = today, To = today.AddDays(1), Search = "SO-7" }, 1, 50);
        Assert.Equal(published[6].EventId, Assert.Single(found.Items).EventId);
        Assert.Equal(25, (await log.ListAsync(TestData.Support, new AttemptFilter { WebhookId = webhook.Id, Outcome = AttemptOutcome.Succeeded }, 2, 10)).TotalCount);

        var dashboard = await _h.Core.Get<DashboardService>().GetAsync(TestData.Support);
        Assert.Equal((25, 25, 0), (dashboard.Deliveries, dashboard.Succeeded, dashboard.Failed));
        Assert.Equal(25, dashboard.Hourly[^1].Succeeded);
        Assert.Equal(25, (await _h.Core.Get<WebhookHealthService>().GetAsync(TestData.Support, [webhook.Id]))[webhook.Id].Succeeded);
    }

    [Fact]
    public async Task ConcurrentClaims_SendEveryDeliveryExactlyOnce()
    {
        var webhook = await _h.WebhookAsync();
        await _h.Core.Get<EventIngestion>().PublishBatchAsync([.. Enumerable.Range(1, 120).Select(i => new EventInput
        {
            Type = "so.created", IntegrationId = _h.SalesOrder.Id, ContentType = "application/xml", Payload = $"<Order><ID>{i}</ID></Order>",
        })]);

        // Six workers race for batches of ten, as jobs on several nodes would; each returns when nothing is left to claim.
        await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(async () =>
        {
            for (var round = 0; round < 100 && await _h.Engine.DeliverFirstAttemptsAsync(webhook.Id) > 0; round++)
            {
            }
        })));

        var deliveryIds = _h.Receiver.Requests.Select(r => r.Header("X-Jakamo-Delivery-Id")).ToList();
        Assert.Equal(120, deliveryIds.Count);
        Assert.Equal(120, deliveryIds.Distinct().Count());
        await using var db = _h.Core.NewDb();
        Assert.Equal(120, await db.Attempts.CountAsync());
        Assert.Equal(120, await db.Deliveries.CountAsync(d => d.Status == DeliveryStatus.Succeeded && d.AttemptCount == 1));
    }

    [Fact]
    public async Task Recovery_ResendsLostRetries_AndWaitsForAnotherNodesLease()
    {
        await _h.WebhookAsync();
        _h.Receiver.AnswerWith(500);
        var failed = await _h.PublishAsync("so.created");
        var leased = await _h.PublishAsync("so.created");
        _h.Jobs.FirstAttempts.Clear();
        await _h.Engine.DeliverFirstAttemptsAsync((await _h.DeliveryAsync(failed.EventId)).WebhookId);
        Assert.Equal(2, _h.Receiver.Requests.Count);

        // The job store lost both retries, and another node holds the second delivery's lease for ten minutes.
        _h.Jobs.Retries.Clear();
        var otherNode = _h.Core.Time.GetUtcNow().UtcDateTime.AddMinutes(10);
        await using (var db = _h.Core.NewDb())
        {
            await db.Deliveries.Where(d => d.EventId == leased.EventId)
                .ExecuteUpdateAsync(s => s.SetProperty(d => d.LeaseUntil, otherNode).SetProperty(d => d.LeaseOwner, "other-node"));
        }

        _h.Receiver.AnswerWith(200);
        _h.Core.Time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(1, (await _h.Engine.RecoverAsync()).Retries);
        await _h.RunJobsAsync();
        Assert.Equal(DeliveryStatus.Succeeded, (await _h.DeliveryAsync(failed.EventId)).Status);
        Assert.Equal(DeliveryStatus.Pending, (await _h.DeliveryAsync(leased.EventId)).Status);

        _h.Core.Time.Advance(TimeSpan.FromMinutes(6));
        Assert.Equal(1, (await _h.Engine.RecoverAsync()).Retries);
        await _h.RunJobsAsync();
        Assert.Equal(DeliveryStatus.Succeeded, (await _h.DeliveryAsync(leased.EventId)).Status);
        Assert.Equal(4, _h.Receiver.Requests.Count);
    }

    [Fact]
    public async Task WebhookNames_AreUniqueIgnoringCase()
    {
        var first = await _h.WebhookAsync(w => w.Name = "ERP Main");

        var error = await Assert.ThrowsAsync<PortalValidationException>(() => _h.WebhookAsync(w => w.Name = "erp main"));

        Assert.Contains("Name", error.Errors.Keys);
        Assert.Equal("ERP Main", first.Name);
    }
}
