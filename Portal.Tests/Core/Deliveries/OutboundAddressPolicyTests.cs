using System.Net;
using Jakamo.Portal.Core.Deliveries.Sending;

namespace Jakamo.Portal.Tests.Core.Deliveries;

/// <summary>SPEC "Firewall openings and outbound safety": which addresses the portal may connect to.</summary>
public sealed class OutboundAddressPolicyTests
{
    private static readonly OpenedHostsStub NothingOpened = new();

    [Theory]
    [InlineData("127.0.0.1", "loopback")]
    [InlineData("127.255.0.9", "loopback")]
    [InlineData("::1", "loopback")]
    [InlineData("::ffff:127.0.0.1", "loopback")]
    [InlineData("169.254.169.254", "cloud metadata")]
    [InlineData("fd00:ec2::254", "cloud metadata")]
    [InlineData("10.0.0.1", "private")]
    [InlineData("172.16.0.1", "private")]
    [InlineData("172.31.255.255", "private")]
    [InlineData("192.168.1.1", "private")]
    [InlineData("fc00::1", "private")]
    [InlineData("fd12:3456::1", "private")]
    [InlineData("::ffff:10.1.2.3", "private")]
    [InlineData("169.254.10.20", "link-local")]
    [InlineData("fe80::1", "link-local")]
    [InlineData("fe80::1%2", "link-local")]
    [InlineData("100.64.0.1", "carrier-grade NAT")]
    [InlineData("100.127.255.255", "carrier-grade NAT")]
    [InlineData("224.0.0.1", "multicast")]
    [InlineData("239.255.255.250", "multicast")]
    [InlineData("ff02::1", "multicast")]
    [InlineData("0.0.0.0", "unspecified")]
    [InlineData("::", "unspecified")]
    [InlineData("255.255.255.255", "broadcast")]
    [InlineData("0.1.2.3", "reserved")]
    [InlineData("192.0.0.8", "reserved")]
    [InlineData("198.18.0.1", "reserved")]
    [InlineData("198.19.255.255", "reserved")]
    [InlineData("240.0.0.1", "reserved")]
    [InlineData("64:ff9b::7f00:1", "loopback")]
    [InlineData("64:ff9b::a9fe:a9fe", "cloud metadata")]
    [InlineData("2002:c0a8:0101::1", "private")]
    public void SpecialAddress_IsRefused_WithItsRange_UnlessOpened(string address, string category)
    {
        var decision = OutboundAddressPolicy.Evaluate(IPAddress.Parse(address), NothingOpened, allowLoopback: false);

        Assert.False(decision.Allowed);
        Assert.Equal(category, decision.Category);
    }

    [Theory]
    [InlineData("93.184.216.34")]
    [InlineData("8.8.8.8")]
    [InlineData("172.32.0.1")]
    [InlineData("100.63.255.255")]
    [InlineData("100.128.0.1")]
    [InlineData("198.20.0.1")]
    [InlineData("2606:4700::1111")]
    [InlineData("2a00:1450:4001:82b::200e")]
    [InlineData("::ffff:93.184.216.34")]
    [InlineData("64:ff9b::5db8:d822")]
    public void PublicAddress_IsAllowed(string address)
    {
        var decision = OutboundAddressPolicy.Evaluate(IPAddress.Parse(address), NothingOpened, allowLoopback: false);

        Assert.True(decision.Allowed);
        Assert.Null(decision.Category);
    }

    [Theory]
    [InlineData("10.0.0.1", "10.0.0.1")]
    [InlineData("fc00:0:0::1", "fc00::1")]
    [InlineData("::ffff:10.0.0.1", "10.0.0.1")]
    [InlineData("169.254.169.254", "169.254.169.254")]
    public void SpecialAddress_IsAllowed_WhenSupportOpenedThatAddress(string address, string opening)
    {
        var decision = OutboundAddressPolicy.Evaluate(IPAddress.Parse(address), new OpenedHostsStub(opening), allowLoopback: false);

        Assert.True(decision.Allowed);
    }

    [Fact]
    public void OpeningOneAddress_DoesNotOpenItsNeighbours()
    {
        var opened = new OpenedHostsStub("10.0.0.1", "erp.example.com");

        Assert.False(OutboundAddressPolicy.Evaluate(IPAddress.Parse("10.0.0.2"), opened, allowLoopback: false).Allowed);
        Assert.False(OutboundAddressPolicy.Evaluate(IPAddress.Parse("127.0.0.1"), opened, allowLoopback: false).Allowed);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    [InlineData("::ffff:127.0.0.1")]
    public void AllowLoopback_AllowsLoopback(string address) =>
        Assert.True(OutboundAddressPolicy.Evaluate(IPAddress.Parse(address), NothingOpened, allowLoopback: true).Allowed);

    [Theory]
    [InlineData("10.0.0.1")]
    [InlineData("0.0.0.0")]
    [InlineData("169.254.169.254")]
    [InlineData("fc00::1")]
    public void AllowLoopback_StillRefusesEverythingElse(string address) =>
        Assert.False(OutboundAddressPolicy.Evaluate(IPAddress.Parse(address), NothingOpened, allowLoopback: true).Allowed);

    [Fact]
    public void PublicAddresses_NeverAskTheFirewallOpenings()
    {
        var openings = new CountingOpenedHosts();

        OutboundAddressPolicy.Evaluate(IPAddress.Parse("93.184.216.34"), openings, allowLoopback: false);
        OutboundAddressPolicy.Evaluate(IPAddress.Parse("10.0.0.1"), openings, allowLoopback: false);

        Assert.Equal(["10.0.0.1"], openings.Asked);
    }

    [Fact]
    public void BlockedMessage_NamesTheHostTheAddressAndTheRange()
    {
        var literal = new OutboundBlockedException("127.0.0.1", IPAddress.Loopback, "loopback", 0);
        var named = new OutboundBlockedException("localhost", IPAddress.IPv6Loopback, "loopback", 1);

        Assert.Equal("Refused to connect to 127.0.0.1 (loopback): not opened in the firewall", literal.Message);
        Assert.Equal("Refused to connect to localhost at ::1 (loopback) (and 1 more address): not opened in the firewall", named.Message);
    }

    [Theory]
    [InlineData("invalid.example.com")]
    [InlineData("notinvalid")]
    [InlineData("notlocalhost")]
    [InlineData("localhost.example.com")]
    [InlineData("onion.example")]
    [InlineData("erp.test")]
    public void OrdinaryNames_AreLeftToTheResolver(string host) => Assert.Null(SpecialUseNames.LocalAnswer(host));

    private sealed class CountingOpenedHosts : IOpenedHosts
    {
        public List<string> Asked { get; } = [];

        public bool IsOpened(string host)
        {
            Asked.Add(host);
            return false;
        }
    }
}
