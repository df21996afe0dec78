namespace Jakamo.Portal.Core.Monitoring;

/// <summary>How one webhook is doing. Attempts held by the firewall were never sent, so they count nowhere here. "Latest" means
/// most recently recorded (highest id): the order in which the engine committed the attempts.</summary>
/// <param name="LastAttemptAt">When the latest sent attempt started, at any time.</param>
/// <param name="Succeeded">Sent attempts in the last 24 h that got a 2xx.</param>
/// <param name="Failed">Sent attempts in the last 24 h that did not.</param>
/// <param name="P95ResponseMs">The 95th percentile (nearest rank) of the duration of the attempts in the last 24 h that got a
/// response of any status; null without such attempts.</param>
/// <param name="FailureStreak">Failed attempts since the latest successful one (all of them if none ever succeeded).</param>
/// <param name="FailingSince">When the first attempt of that streak started; null when the streak is 0.</param>
public sealed record WebhookHealth(
    int WebhookId,
    DateTime? LastAttemptAt,
    int Succeeded,
    int Failed,
    int? P95ResponseMs,
    int FailureStreak,
    DateTime? FailingSince)
{
    /// <summary>Succeeded / (succeeded + failed) over the last 24 h, from 0 to 1; null without sent attempts.</summary>
    public double? SuccessRate => Succeeded + Failed == 0 ? null : (double)Succeeded / (Succeeded + Failed);
}

/// <summary>The support dashboard's figures, all computed at <see cref="Now"/> over the window from <see cref="WindowStart"/>
/// (24 h before it, inclusive).</summary>
/// <param name="Deliveries">Deliveries created in the window.</param>
/// <param name="Succeeded">Deliveries with at least one attempt in the window whose status is now Succeeded.</param>
/// <param name="Failed">Deliveries with at least one attempt in the window whose status is now Failed.</param>
/// <param name="Held">Deliveries held by the firewall now, whenever they were created.</param>
/// <param name="QueueBacklog">API queue messages not yet removed, in every queue.</param>
/// <param name="Hourly">Deliveries created in each of the last 24 clock hours (the current one last), by status now.</param>
/// <param name="FailingWebhooks">Webhooks whose latest sent attempt failed, or that have a Failed delivery attempted in the window.</param>
public sealed record DashboardSummary(
    DateTime Now,
    DateTime WindowStart,
    int Deliveries,
    int Succeeded,
    int Failed,
    int Held,
    int QueueBacklog,
    IReadOnlyList<HourlyDeliveries> Hourly,
    IReadOnlyList<FailingWebhook> FailingWebhooks)
{
    public static readonly TimeSpan Window = TimeSpan.FromHours(24);

    /// <summary>Succeeded / (succeeded + failed), from 0 to 1; null when no delivery was attempted in the window.</summary>
    public double? SuccessRate => Succeeded + Failed == 0 ? null : (double)Succeeded / (Succeeded + Failed);
}

/// <summary>Deliveries created in one clock hour (UTC), by their status now.</summary>
public sealed record HourlyDeliveries(DateTime HourStart, int Succeeded, int Failed, int HeldOrPending);

/// <summary>A failing webhook as the dashboard lists it.</summary>
/// <param name="LastError">Of the latest failed attempt: its response status ("HTTP 500") or, without a response, its first message.</param>
/// <param name="FailedDeliveries">Deliveries of this webhook in status Failed now, waiting for a manual resend.</param>
public sealed record FailingWebhook(
    int WebhookId,
    string WebhookName,
    int CompanyId,
    string CompanyName,
    string LastError,
    DateTime? LastFailureAt,
    int FailureStreak,
    DateTime? FailingSince,
    int FailedDeliveries);

/// <summary>How far a bulk resend has got: a delivery is done once the engine consumed its resend request.</summary>
/// <param name="Succeeded">Done, and the delivery succeeded.</param>
/// <param name="Held">Done, but held by the firewall.</param>
public sealed record ResendProgress(int Total, int Done, int Succeeded, int Held)
{
    /// <summary>Done, and the resend failed.</summary>
    public int Failed => Done - Succeeded - Held;

    public bool Finished => Done >= Total;
}
