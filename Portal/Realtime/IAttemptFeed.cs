using Jakamo.Portal.Core.Deliveries;
using Jakamo.Portal.Core.Security;

namespace Jakamo.Portal.Realtime;

/// <summary>Live attempts for Blazor pages. It is fed from the transport-log hub, so with a SignalR backplane a page
/// on one node also sees attempts made on another.</summary>
public interface IAttemptFeed
{
    /// <summary>Calls <paramref name="onAttempts"/> with each batch of new attempts the actor may see, until disposed.</summary>
    IDisposable Subscribe(PortalActor actor, Func<IReadOnlyList<LiveAttempt>, Task> onAttempts);
}
