namespace Jakamo.Portal.Core.Events;

/// <summary>One business event produced in an integration's context (a new sales order, a changed ASN, ...).</summary>
public sealed class BusinessEvent
{
    public long Id { get; set; }

    public int CompanyId { get; set; }

    public int IntegrationId { get; set; }

    public required string Type { get; set; }

    public required string ContentType { get; set; }

    /// <summary>The message exactly as received: UBL XML for PO and SO, JSON for ASN.</summary>
    public required string Payload { get; set; }

    /// <summary>The sender's id for idempotency: the same external id returns the same event.</summary>
    public string? ExternalId { get; set; }

    /// <summary>A business reference such as the order number, for finding the event in the log.</summary>
    public string? Reference { get; set; }

    public DateTime CreatedAt { get; set; }
}
