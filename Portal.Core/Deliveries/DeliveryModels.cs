using Jakamo.Portal.Core.Common;
using Jakamo.Portal.Core.Deliveries.Sending;

namespace Jakamo.Portal.Core.Deliveries;

/// <summary>Filters of the deliveries list; every one optional.</summary>
public sealed class DeliveryFilter
{
    public int? CompanyId { get; set; }

    public int? WebhookId { get; set; }

    public string? EventType { get; set; }

    public DeliveryStatus? Status { get; set; }

    /// <summary>Taken as UTC (see <see cref="UtcTimes"/>).</summary>
    public DateTime? From { get; set => field = value?.AsUtc(); }

    /// <summary>Exclusive; taken as UTC like <see cref="From"/>.</summary>
    public DateTime? To { get; set => field = value?.AsUtc(); }

    /// <summary>Matches the event id, the external id or the reference (order number).</summary>
    public string? Search { get; set; }
}

public sealed record PagedResult<T>(IReadOnlyList<T> Items, int TotalCount, int Page, int PageSize);

/// <summary>The paging rules every server-paged list shares.</summary>
public static class Paging
{
    public const int MaxPageSize = 200;

    /// <summary>Refuses a page before the first, or a page size outside 1 to <see cref="MaxPageSize"/>.</summary>
    public static void Validate(int page, int pageSize)
    {
        var errors = new ValidationErrors();
        if (page < 1)
        {
            errors.Add("page", "Page numbers start at 1.");
        }

        if (pageSize is < 1 or > MaxPageSize)
        {
            errors.Add("pageSize", $"Page size must be from 1 to {MaxPageSize}.");
        }

        errors.ThrowIfAny();
    }
}

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
