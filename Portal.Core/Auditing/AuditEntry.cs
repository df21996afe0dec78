namespace Jakamo.Portal.Core.Auditing;

/// <summary>Who changed what, and when.</summary>
public sealed class AuditEntry
{
    public long Id { get; set; }

    public DateTime At { get; set; }

    public required string UserId { get; set; }

    public required string UserName { get; set; }

    public int? CompanyId { get; set; }

    public required string EntityType { get; set; }

    public required string EntityId { get; set; }

    public required string Action { get; set; }

    /// <summary>A short human-readable summary; never holds a secret.</summary>
    public string? Details { get; set; }
}
