namespace Jakamo.Portal.Core.Queue;

/// <summary>An item in an integration's API queue. Removed by the client's acknowledgement or by a webhook's success.</summary>
public sealed class QueueMessage
{
    public long Id { get; set; }

    public int IntegrationId { get; set; }

    public long EventId { get; set; }

    public Events.BusinessEvent? Event { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime? RemovedAt { get; set; }

    /// <summary>"acknowledged" by the integration client, or "webhook" when a webhook's success removed it.</summary>
    public string? RemovedBy { get; set; }
}
