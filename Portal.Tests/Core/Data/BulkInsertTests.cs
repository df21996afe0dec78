using Jakamo.Portal.Core.Data;
using Jakamo.Portal.Core.Deliveries;
using Jakamo.Portal.Tests.Core.Deliveries;
using Microsoft.EntityFrameworkCore;

namespace Jakamo.Portal.Tests.Core.Data;

/// <summary>The outbox's bulk insert writes exactly what EF would have: enums as their names, nulls, times, flags,
/// across more rows than one statement takes.</summary>
public sealed class BulkInsertTests : IAsyncLifetime
{
    private DeliveryHarness _h = default!;

    public async Task InitializeAsync() => _h = await DeliveryHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task ManyRows_RoundTripThroughTheModelsMapping()
    {
        var webhook = await _h.WebhookAsync(w => w.Enabled = false);
        var published = await _h.PublishAsync("so.created");
        var at = new DateTime(2026, 12, 1, 8, 30, 15, 123, DateTimeKind.Utc);
        var rows = Enumerable.Range(0, 450).Select(i => new Delivery
        {
            EventId = published.EventId,
            WebhookId = webhook.Id,
            CompanyId = _h.Company.Id,
            EventType = i % 2 == 0 ? "so.created" : "so.changed",
            Status = i % 3 == 0 ? DeliveryStatus.Held : DeliveryStatus.Pending,
            AttemptCount = i % 5,
            CreatedAt = at.AddSeconds(i),
            NextAttemptAt = i % 4 == 0 ? null : at.AddMinutes(i),
            LastMessage = i % 3 == 0 ? $"held 'quoted' \"text\" {i}" : null,
            QueueRemovalEarned = i % 7 == 0,
        }).ToList();

        await using (var db = _h.Core.NewDb())
        {
            await db.InsertAsync(rows, CancellationToken.None);
        }

        await using var check = _h.Core.NewDb();
        var stored = await check.Deliveries.AsNoTracking().Where(d => d.WebhookId == webhook.Id).OrderBy(d => d.CreatedAt).ToListAsync();
        Assert.Equal(rows.Count, stored.Count);
        Assert.All(rows.Zip(stored), pair =>
        {
            var (expected, actual) = pair;
            Assert.True(actual.Id > 0);
            Assert.Equal(
                (expected.EventId, expected.EventType, expected.Status, expected.AttemptCount, expected.CreatedAt, expected.NextAttemptAt, expected.LastMessage, expected.QueueRemovalEarned),
                (actual.EventId, actual.EventType, actual.Status, actual.AttemptCount, actual.CreatedAt, actual.NextAttemptAt, actual.LastMessage, actual.QueueRemovalEarned));
        });
    }
}
