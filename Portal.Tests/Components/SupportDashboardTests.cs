using System.Security.Claims;
using Bunit;
using Jakamo.Portal.Core.Deliveries;
using Jakamo.Portal.Core.Monitoring;
using Jakamo.Portal.Core.Security;
using Jakamo.Portal.Features.Dashboard;
using Jakamo.Portal.Tests.Builders;
using Jakamo.Portal.Tests.Infrastructure;
using MudBlazor;

namespace Jakamo.Portal.Tests.Components;

/// <summary>The support dashboard, rendered with the real services over SQLite.</summary>
public sealed class SupportDashboardTests : PortalBunitContext
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Figures_AreComputedFromTheData_NotHardCoded()
    {
        await using var history = await RecordedHistory.CreateAsync();
        UseServicesOf(history.Core);
        var (records, now, companyId) = (history.Records, history.Now, history.Nordic.Id);
        var hour = TimeSpan.FromHours(1);
        var erp = await records.WebhookAsync(companyId, "ERP production");
        for (var i = 0; i < 3; i++)
        {
            await records.DeliveryAsync(erp, now - hour, DeliveryStatus.Succeeded, Sent.Ok(now - hour));
        }

        await records.DeliveryAsync(erp, now - (hour / 2), DeliveryStatus.Failed, Sent.Error(now - (hour / 2)));
        await records.QueueMessageAsync(companyId, now - hour);

        Render<MudPopoverProvider>();
        var first = Render<SupportDashboardPage>();
        first.WaitForAssertion(() => Assert.Equal("4", Figure(first, "deliveries")), Wait);
        Assert.Equal("75 %", Figure(first, "success-rate"));
        Assert.Equal("1", Figure(first, "failing-webhooks"));
        Assert.Equal("0", Figure(first, "held"));
        Assert.Equal("1", Figure(first, "queue-backlog"));
        var row = first.Find("[data-testid=failing-webhooks] tbody tr");
        Assert.Contains("ERP production", row.TextContent, StringComparison.Ordinal);
        Assert.Contains("Nordic Components", row.TextContent, StringComparison.Ordinal);
        Assert.Contains("HTTP 500", row.TextContent, StringComparison.Ordinal);
        Assert.Contains("Succeeded ÷ (succeeded + failed)", first.Find("[data-testid=figure-success-rate-definition]").GetAttribute("aria-label"), StringComparison.Ordinal);

        var warehouse = await records.WebhookAsync(companyId, "Warehouse");
        for (var i = 0; i < 4; i++)
        {
            await records.DeliveryAsync(warehouse, now - hour, DeliveryStatus.Succeeded, Sent.Ok(now - hour));
        }

        await records.DeliveryAsync(warehouse, now - hour, DeliveryStatus.Held, Sent.Held(now - hour));
        await records.DeliveryAsync(warehouse, now - hour, DeliveryStatus.Held, Sent.Held(now - hour));
        await records.QueueMessageAsync(companyId, now - hour);
        await records.QueueMessageAsync(companyId, now - hour);

        var second = Render<SupportDashboardPage>();
        second.WaitForAssertion(() => Assert.Equal("10", Figure(second, "deliveries")), Wait);
        Assert.Equal("87.5 %", Figure(second, "success-rate"));
        Assert.Equal("1", Figure(second, "failing-webhooks"));
        Assert.Equal("2", Figure(second, "held"));
        Assert.Equal("3", Figure(second, "queue-backlog"));
    }

    private static string Figure(IRenderedComponent<SupportDashboardPage> cut, string name) =>
        cut.Find($"[data-testid=figure-{name}-value]").TextContent.Trim();

    private void UseServicesOf(CoreServices core)
    {
        UseServices(core.Scope.ServiceProvider);
        Authorization.SetAuthorized(TestData.Support.UserName);
        Authorization.SetRoles(PortalRoles.Support);
        Authorization.SetClaims(new Claim(ClaimTypes.NameIdentifier, TestData.Support.UserId));
    }
}
