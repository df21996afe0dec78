using Jakamo.Portal.Core.Events;

namespace Jakamo.Portal.Core.Deliveries;

public enum DeliveryStatus
{
    /// <summary>Due at <see cref="Delivery.NextAttemptAt"/>: the first attempt, or a scheduled automatic retry.</summary>
    Pending = 0,

    /// <summary>The webhook's host is not opened in the firewall; sent as soon as support opens it.</summary>
    Held = 1,

    Succeeded = 2,

    /// <summary>Waiting for a manual resend.</summary>
    Failed = 3,
}

/// <summary>One webhook × one event.</summary>
public sealed class Delivery : ITransportLogEntry
{
    public long Id { get; set; }

    public long EventId { get; set; }

    public BusinessEvent? Event { get; set; }

    public int WebhookId { get; set; }

    public Webhooks.Webhook? Webhook { get; set; }

    public int CompanyId { get; set; }

    /// <summary>Copied from the event so the log filters without a join.</summary>
    public required string EventType { get; set; }

    public DeliveryStatus Status { get; set; }

    public int AttemptCount { get; set; }

    /// <summary>How many automatic retries have been used.</summary>
    public int AutomaticRetries { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime? NextAttemptAt { get; set; }

    /// <summary>A claim: while it lies in the future, only <see cref="LeaseOwner"/> may send this delivery.</summary>
    public DateTime? LeaseUntil { get; set; }

    public string? LeaseOwner { get; set; }

    public DateTime? FirstAttemptAt { get; set; }

    public DateTime? LastAttemptAt { get; set; }

    public int? LastStatusCode { get; set; }

    public string? LastMessage { get; set; }

    /// <summary>A webhook with "remove entry from queue on success" got 200, 201 or 204.</summary>
    public bool QueueRemovalEarned { get; set; }

    /// <summary>Who asked for a manual resend that has not run yet.</summary>
    public string? ResendRequestedBy { get; set; }

    public DateTime? ResendRequestedAt { get; set; }

    public List<Attempt> Attempts { get; set; } = [];
}
