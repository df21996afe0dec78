using Jakamo.Portal.Core.Deliveries.Sending;

namespace Jakamo.Portal.Core.Deliveries;

/// <summary>Filters of the deliveries list; every one optional.</summary>
public sealed class DeliveryFilter
{
    public int? CompanyId { get; set; }

    public int? WebhookId { get; set; }

    public string? EventType { get; set; }

    public DeliveryStatus? Status { get; set; }

    public DateTime? From { get; set; }

    public DateTime? To { get; set; }

    /// <summary>Matches the event id, the external id or the reference (order number).</summary>
    public string? Search { get; set; }
}

public sealed record PagedResult<T>(IReadOnlyList<T> Items, int TotalCount, int Page, int PageSize);

public sealed record DeliveryRow(
    long Id,
    long EventId,
    string EventType,
    string? ExternalId,
    string? Reference,
    int WebhookId,
    string WebhookName,
    int CompanyId,
    DeliveryStatus Status,
    int AttemptCount,
    DateTime CreatedAt,
    DateTime? LastAttemptAt,
    int? LastStatusCode,
    DateTime? NextAttemptAt,
    string? LastMessage,
    bool ResendRequested);

/// <summary>A transport-log entry as shown: headers are masked, as stored.</summary>
public sealed record AttemptView(
    long Id,
    long DeliveryId,
    int Number,
    AttemptTrigger Trigger,
    string? TriggeredBy,
    DateTime StartedAt,
    int DurationMs,
    AttemptOutcome Outcome,
    string RequestMethod,
    string RequestUrl,
    IReadOnlyList<LoggedHeader> RequestHeaders,
    string? RequestBody,
    int? ResponseStatus,
    IReadOnlyList<LoggedHeader> ResponseHeaders,
    string? ResponseBody,
    long? ResponseBodySize,
    bool ResponseBodyTruncated,
    IReadOnlyList<string> Messages,
    bool PayloadsPurged);

public sealed record DeliveryDetail(DeliveryRow Delivery, string ContentType, IReadOnlyList<AttemptView> Attempts);

/// <summary>How many deliveries a bulk resend queued, and which, so their progress can be followed.</summary>
public sealed record BulkResendResult(int Queued, IReadOnlyList<long> DeliveryIds);
