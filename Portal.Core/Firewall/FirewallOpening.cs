namespace Jakamo.Portal.Core.Firewall;

/// <summary>A host support opened in the firewall, so webhooks may deliver to it.</summary>
public sealed class FirewallOpening
{
    public int Id { get; set; }

    /// <summary>The host name or IP literal, lower case, without port.</summary>
    public required string Host { get; set; }

    public string? Note { get; set; }

    public DateTime CreatedAt { get; set; }

    public required string CreatedBy { get; set; }
}
