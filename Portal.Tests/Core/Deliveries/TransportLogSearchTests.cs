using System.Globalization;
using Jakamo.Portal.Core.Deliveries;
using Jakamo.Portal.Core.Security;
using Jakamo.Portal.Tests.Builders;
using Jakamo.Portal.Tests.Infrastructure;

namespace Jakamo.Portal.Tests.Core.Deliveries;

/// <summary>SPEC "Transport logs": the search finds an event by its id, its external id or its order number, in the transport
/// log and the deliveries list alike, and never shows another company's entries.</summary>
public sealed class TransportLogSearchTests : IAsyncLifetime
{
    private RecordedHistory _h = default!;
    private Delivery _order = default!;
    private Delivery _sameNumberElsewhere = default!;
    private Delivery _externalIdLikeAnId = default!;

    private DateTime Now => _h.Now;

    public async Task InitializeAsync()
    {
        _h = await RecordedHistory.CreateAsync();
        var nordic = await _h.Records.WebhookAsync(_h.Nordic.Id, "Nordic ERP");
        var baltic = await _h.Records.WebhookAsync(_h.Baltic.Id, "Baltic ERP");
        _order = await _h.Records.DeliveryAsync(nordic, Now, DeliveryStatus.Succeeded, Sent.Error(Now), Sent.Ok(Now));
        await _h.Records.NameEventAsync(_order, "SO-4711", "ext-4711");
        _sameNumberElsewhere = await _h.Records.DeliveryAsync(baltic, Now, DeliveryStatus.Succeeded, Sent.Ok(Now));
        await _h.Records.NameEventAsync(_sameNumberElsewhere, "SO-4711");
        _externalIdLikeAnId = await _h.Records.DeliveryAsync(nordic, Now, DeliveryStatus.Succeeded, Sent.Ok(Now));
        await _h.Records.NameEventAsync(_externalIdLikeAnId, "SO-9", Text(_order.EventId));
    }

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task Search_MatchesTheOrderNumber_OnlyInTheAdminsOwnCompany()
    {
        var nordicAdmin = TestData.AdminOf(_h.Nordic.Id);

        Assert.Equal([_order.Id, _order.Id], await AttemptsAsync(nordicAdmin, "SO-4711"));
        Assert.Equal([_order.Id], await DeliveriesAsync(nordicAdmin, "SO-4711"));
        Assert.Equal([_sameNumberElsewhere.Id, _order.Id, _order.Id], await AttemptsAsync(TestData.Support, "SO-4711"));
        Assert.Equal([_sameNumberElsewhere.Id, _order.Id], await DeliveriesAsync(TestData.Support, " SO-4711 "));
    }

    [Fact]
    public async Task Search_MatchesTheExternalId()
    {
        var nordicAdmin = TestData.AdminOf(_h.Nordic.Id);

        Assert.Equal([_order.Id, _order.Id], await AttemptsAsync(nordicAdmin, "ext-4711"));
        Assert.Equal([_order.Id], await DeliveriesAsync(nordicAdmin, "ext-4711"));
    }

    [Fact]
    public async Task Search_ForANumber_MatchesTheEventWithThatId_AndAnEventWithThatExternalId_EachEntryOnce()
    {
        var nordicAdmin = TestData.AdminOf(_h.Nordic.Id);
        var id = Text(_order.EventId);

        Assert.Equal([_externalIdLikeAnId.Id, _order.Id, _order.Id], await AttemptsAsync(nordicAdmin, id));
        Assert.Equal([_externalIdLikeAnId.Id, _order.Id], await DeliveriesAsync(nordicAdmin, id));
    }

    [Fact]
    public async Task Search_ForAnotherCompanysEventId_FindsNothing()
    {
        var nordicAdmin = TestData.AdminOf(_h.Nordic.Id);
        var id = Text(_sameNumberElsewhere.EventId);

        Assert.Empty(await AttemptsAsync(nordicAdmin, id));
        Assert.Empty(await DeliveriesAsync(nordicAdmin, id));
        Assert.Equal([_sameNumberElsewhere.Id], await AttemptsAsync(TestData.Support, id));
    }

    private async Task<long[]> AttemptsAsync(PortalActor actor, string search)
    {
        var page = await _h.Core.Get<IAttemptLog>().ListAsync(actor, new AttemptFilter { Search = search }, 1, 50);
        Assert.Equal(page.Items.Count, page.TotalCount);
        return [.. page.Items.Select(a => a.DeliveryId)];
    }

    private async Task<long[]> DeliveriesAsync(PortalActor actor, string search)
    {
        var page = await _h.Core.Get<DeliveryService>().ListAsync(actor, new DeliveryFilter { Search = search });
        Assert.Equal(page.Items.Count, page.TotalCount);
        return [.. page.Items.Select(d => d.Id)];
    }

    private static string Text(long id) => id.ToString(CultureInfo.InvariantCulture);
}
