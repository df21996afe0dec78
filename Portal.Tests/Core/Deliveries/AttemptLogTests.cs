using Jakamo.Portal.Core.Deliveries;
using Jakamo.Portal.Core.Events;
using Jakamo.Portal.Tests.Builders;

namespace Jakamo.Portal.Tests.Core.Deliveries;

/// <summary>SPEC "Transport logs": the viewer filters by webhook, event type, status, date range, and event id or order
/// number, paged on the server and never across companies.</summary>
public sealed class AttemptLogTests : IAsyncLifetime
{
    private DeliveryHarness _h = default!;

    private IAttemptLog Log => _h.Core.Get<IAttemptLog>();

    public async Task InitializeAsync() => _h = await DeliveryHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public void DateRange_IsTakenAsUtc_ForTheLiveMatchAsForTheQuery()
    {
        var noon = new DateTime(2026, 12, 1, 12, 0, 0, DateTimeKind.Utc);
        var attempt = new LiveAttempt(1, 1, 1, 1, "ERP", 1, "so.created", null, 1, AttemptTrigger.First, null, noon, 5,
            AttemptOutcome.Succeeded, 200, DeliveryStatus.Succeeded, "");

        // A time that does not say its zone is UTC; a local one is converted, whatever zone the server runs in.
        var unspecified = new AttemptFilter { From = DateTime.SpecifyKind(noon, DateTimeKind.Unspecified), To = DateTime.SpecifyKind(noon.AddHours(1), DateTimeKind.Unspecified) };
        Assert.Equal(DateTimeKind.Utc, unspecified.From!.Value.Kind);
        Assert.True(unspecified.Matches(attempt));
        var local = noon.AddMinutes(1).ToLocalTime();
        Assert.Equal(noon.AddMinutes(1), new AttemptFilter { From = local }.From);
        Assert.False(new AttemptFilter { From = local }.Matches(attempt));
        Assert.Equal(noon, new DeliveryFilter { From = noon.ToLocalTime() }.From);
        Assert.Equal(DateTimeKind.Utc, new DeliveryFilter { To = DateTime.SpecifyKind(noon, DateTimeKind.Unspecified) }.To!.Value.Kind);
    }

    [Fact]
    public async Task Filters_SelectExactlyTheMatchingAttempts_NewestFirst()
    {
        var erp = await _h.WebhookAsync(w => w.EventTypes = ["so.changed", "asn.created"], path: "erp");
        var other = await _h.WebhookAsync(w => w.EventTypes = ["so.changed"], path: "other");
        _h.Receiver.Respond = async (request, context) => context.Response.StatusCode = request.Path.EndsWith("other", StringComparison.Ordinal) ? 500 : 200;
        var early = await Publish("so.changed", "SO-1", "ext-1");
        await _h.RunJobsAsync();
        _h.Core.Time.Advance(TimeSpan.FromDays(2));
        var late = await Publish("asn.created", "ASN-2", "ext-2");
        await _h.RunJobsAsync();
        var admin = TestData.AdminOf(_h.Company.Id);
        var laterThanEarly = _h.Core.Time.GetUtcNow().UtcDateTime.AddDays(-1);

        var all = await Log.ListAsync(admin, new AttemptFilter(), 1, 50);
        Assert.Equal(3, all.TotalCount);
        Assert.Equal(all.Items.Select(a => a.Id).OrderDescending(), all.Items.Select(a => a.Id));

        Assert.Equal([late.EventId], Ids(await Log.ListAsync(admin, new AttemptFilter { EventType = "asn.created" }, 1, 50)));
        Assert.Equal([early.EventId], Ids(await Log.ListAsync(admin, new AttemptFilter { WebhookId = other.Id }, 1, 50)));
        Assert.Equal([early.EventId], Ids(await Log.ListAsync(admin, new AttemptFilter { Outcome = AttemptOutcome.Failed }, 1, 50)));
        Assert.Equal([late.EventId], Ids(await Log.ListAsync(admin, new AttemptFilter { From = laterThanEarly }, 1, 50)));
        Assert.Equal([early.EventId, early.EventId], Ids(await Log.ListAsync(admin, new AttemptFilter { To = laterThanEarly }, 1, 50)));
        Assert.Equal([late.EventId], Ids(await Log.ListAsync(admin, new AttemptFilter { Search = "ASN-2" }, 1, 50)));
        Assert.Equal([late.EventId], Ids(await Log.ListAsync(admin, new AttemptFilter { Search = "ext-2" }, 1, 50)));
        Assert.Equal([early.EventId, early.EventId], Ids(await Log.ListAsync(admin, new AttemptFilter { Search = early.EventId.ToString(System.Globalization.CultureInfo.InvariantCulture) }, 1, 50)));
        Assert.Equal([early.EventId], Ids(await Log.ListAsync(admin, new AttemptFilter { WebhookId = erp.Id, Search = "SO-1" }, 1, 50)));
    }

    [Fact]
    public async Task Pages_AreCutOnTheServer_AndAnotherCompanySeesNothing()
    {
        await _h.WebhookAsync(w => w.EventTypes = ["so.changed"]);
        for (var i = 0; i < 7; i++)
        {
            await Publish("so.changed", $"SO-{i}", null);
        }

        await _h.RunJobsAsync();

        var second = await Log.ListAsync(TestData.AdminOf(_h.Company.Id), new AttemptFilter(), 2, 3);
        Assert.Equal(7, second.TotalCount);
        Assert.Equal(["SO-3", "SO-2", "SO-1"], second.Items.Select(a => a.Reference));
        var intruder = await Log.ListAsync(TestData.AdminOf(_h.Company.Id + 1000), new AttemptFilter(), 1, 50);
        Assert.Equal(0, intruder.TotalCount);
        var support = await Log.ListAsync(TestData.Support, new AttemptFilter { CompanyId = _h.Company.Id }, 1, 50);
        Assert.Equal(7, support.TotalCount);
    }

    private Task<PublishedEvent> Publish(string type, string reference, string? externalId) =>
        _h.Core.Get<EventIngestion>().PublishAsync(new EventInput
        {
            Type = type,
            IntegrationId = (type.StartsWith("asn", StringComparison.Ordinal) ? _h.Asn : _h.SalesOrder).Id,
            ContentType = "application/xml",
            Payload = $"<o>{reference}</o>",
            Reference = reference,
            ExternalId = externalId,
        });

    private static long[] Ids(PagedResult<AttemptRow> page) => [.. page.Items.Select(a => a.EventId)];
}
