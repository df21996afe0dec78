using System.Globalization;
using Jakamo.Portal.Core.Deliveries;
using Jakamo.Portal.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;

namespace Jakamo.Portal.Realtime;

/// <summary>What the transport-log hub sends to its clients.</summary>
public interface ITransportLogClient
{
    /// <summary>New attempts, sent only after they are committed.</summary>
    Task AttemptsCommitted(IReadOnlyList<LiveAttempt> attempts);
}

/// <summary>Live transport log. A company admin's connection joins its own company's group and nothing else;
/// support starts with every company and may narrow to one.</summary>
[Authorize(Policy = PortalAuthentication.PortalUserPolicy)]
public sealed class TransportLogHub : Hub<ITransportLogClient>
{
    public const string Path = "/hubs/transport-log";
    public const string SupportAllGroup = "support-all";

    private const string SubscriptionKey = "transport-log:group";

    public static string CompanyGroup(int companyId) => string.Create(CultureInfo.InvariantCulture, $"company-{companyId}");

    public override async Task OnConnectedAsync()
    {
        var actor = Context.User!.ToActor();
        var group = actor switch
        {
            { IsSupport: true } => SupportAllGroup,
            { CompanyId: { } companyId } => CompanyGroup(companyId),
            _ => null,
        };
        if (group is not null)
        {
            await JoinAsync(group);
        }

        await base.OnConnectedAsync();
    }

    /// <summary>Support: receive one company's attempts only.</summary>
    public Task SubscribeToCompany(int companyId)
    {
        RequireSupport();
        return SwitchToAsync(CompanyGroup(companyId));
    }

    /// <summary>Support: receive every company's attempts (the default).</summary>
    public Task SubscribeToAll()
    {
        RequireSupport();
        return SwitchToAsync(SupportAllGroup);
    }

    private void RequireSupport()
    {
        if (!Context.User!.ToActor().IsSupport)
        {
            throw new HubException("Only Jakamo support can choose which companies to follow.");
        }
    }

    /// <summary>Joins the new group before leaving the old one, so a switch loses no attempt (it may repeat one).</summary>
    private async Task SwitchToAsync(string group)
    {
        var previous = Context.Items.TryGetValue(SubscriptionKey, out var current) ? current as string : null;
        if (previous == group)
        {
            return;
        }

        await JoinAsync(group);
        if (previous is not null)
        {
            await Groups.RemoveFromGroupAsync(Context.ConnectionId, previous);
        }
    }

    private async Task JoinAsync(string group)
    {
        await Groups.AddToGroupAsync(Context.ConnectionId, group);
        Context.Items[SubscriptionKey] = group;
    }
}
