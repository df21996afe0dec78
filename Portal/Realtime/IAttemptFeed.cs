using Jakamo.Portal.Core.Deliveries;
using Jakamo.Portal.Core.Security;

namespace Jakamo.Portal.Realtime;

/// <summary>Live attempts for Blazor pages. It is fed from the transport-log hub, so with a SignalR backplane a page
/// on one node also sees attempts made on another.</summary>
public interface IAttemptFeed
{
    /// <summary>Calls <paramref name="onAttempts"/> with each batch of new attempts the actor may see, until disposed.</summary>
    /// <remarks>The callback runs on a thread-pool thread, one batch at a time and in order for each subscription, so a
    /// component calls <c>InvokeAsync</c> to touch its state. Dispose the subscription when the component is disposed;
    /// disposing twice, or from inside the callback, is safe. A subscriber more than 64 batches behind loses its oldest.</remarks>
    IDisposable Subscribe(PortalActor actor, Func<IReadOnlyList<LiveAttempt>, Task> onAttempts);
}
