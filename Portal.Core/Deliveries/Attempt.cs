namespace Jakamo.Portal.Core.Deliveries;

public enum AttemptTrigger
{
    First = 0,
    AutomaticRetry = 1,
    Manual = 2,
}

public enum AttemptOutcome
{
    Succeeded = 0,
    Failed = 1,

    /// <summary>Not sent: the host is not opened in the firewall.</summary>
    Held = 2,
}

/// <summary>A transport-log entry: one HTTP exchange, or one failure to make it. Secrets are masked before it is stored.</summary>
public sealed class Attempt : ITransportLogEntry
{
    public long Id { get; set; }

    public long DeliveryId { get; set; }

    public Delivery? Delivery { get; set; }

    public int CompanyId { get; set; }

    public int WebhookId { get; set; }

    public long EventId { get; set; }

    public required string EventType { get; set; }

    public int Number { get; set; }

    public AttemptTrigger Trigger { get; set; }

    public string? TriggeredBy { get; set; }

    public DateTime StartedAt { get; set; }

    public int DurationMs { get; set; }

    public AttemptOutcome Outcome { get; set; }

    public required string RequestMethod { get; set; }

    public required string RequestUrl { get; set; }

    /// <summary>JSON array of {name, value}, masked.</summary>
    public string? RequestHeaders { get; set; }

    public string? RequestBody { get; set; }

    public int? ResponseStatus { get; set; }

    public string? ResponseHeaders { get; set; }

    public string? ResponseBody { get; set; }

    public long? ResponseBodySize { get; set; }

    public bool ResponseBodyTruncated { get; set; }

    /// <summary>Additional messages, one per line.</summary>
    public string Messages { get; set; } = "";

    /// <summary>Set when the retention job removed the request and response payloads.</summary>
    public DateTime? PayloadsPurgedAt { get; set; }
}
