using Jakamo.Portal.Core.Integrations;

namespace Jakamo.Portal.Core.Companies;

/// <summary>A tenant.</summary>
public sealed class Company
{
    public int Id { get; set; }

    public required string Name { get; set; }

    /// <summary>The SO integration support designated as the company's webhook integration, if any.</summary>
    public int? WebhookIntegrationId { get; set; }

    public Integration? WebhookIntegration { get; set; }

    public DateTime CreatedAt { get; set; }

    public List<Integration> Integrations { get; set; } = [];
}
