using Jakamo.Portal.Core.Deliveries.Sending;
using Jakamo.Portal.Core.Firewall;
using Jakamo.Portal.Tests.Builders;
using Jakamo.Portal.Tests.Infrastructure;

namespace Jakamo.Portal.Tests.Core.Deliveries;

/// <summary>The outbound guard's view of the firewall openings, over a real database.</summary>
public sealed class OpenedHostsCacheTests : IAsyncLifetime
{
    private CoreServices _services = default!;

    public async Task InitializeAsync() => _services = await CoreServices.CreateAsync();

    public async Task DisposeAsync() => await _services.DisposeAsync();

    private IOpenedHosts OpenedHosts => _services.Get<IOpenedHosts>();

    [Fact]
    public async Task OpeningAndClosing_ThroughTheFirewallService_CountAtOnce()
    {
        var firewall = _services.Get<FirewallService>();
        Assert.False(OpenedHosts.IsOpened("erp.example.com"));

        var opening = await firewall.AddAsync(TestData.Support, "ERP.example.com", null);
        Assert.True(OpenedHosts.IsOpened("erp.example.com"));
        Assert.True(OpenedHosts.IsOpened("ERP.Example.com."));

        await firewall.RemoveAsync(TestData.Support, opening.Id);
        Assert.False(OpenedHosts.IsOpened("erp.example.com"));
    }

    [Fact]
    public async Task AChangeMadeElsewhere_CountsAfterTheRefreshInterval()
    {
        Assert.False(OpenedHosts.IsOpened("10.20.30.40"));
        await using (var db = _services.NewDb())
        {
            db.FirewallOpenings.Add(new FirewallOpening { Host = "10.20.30.40", CreatedBy = "another node" });
            await db.SaveChangesAsync();
        }

        _services.Time.Advance(OpenedHostsCache.RefreshInterval - TimeSpan.FromMilliseconds(1));
        Assert.False(OpenedHosts.IsOpened("10.20.30.40"));

        _services.Time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(OpenedHosts.IsOpened("10.20.30.40"));
    }

    [Fact]
    public async Task IPv6Openings_MatchTheCanonicalLiteralTheGuardAsksFor()
    {
        await _services.Get<FirewallService>().AddAsync(TestData.Support, "[FD00:0:0::0A]", null);

        Assert.True(OpenedHosts.IsOpened("fd00::a"));
        Assert.False(OpenedHosts.IsOpened("fd00::b"));
    }
}
