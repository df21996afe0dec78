using Jakamo.Portal.Core.Companies;

namespace Jakamo.Portal.Core.Integrations;

public enum IntegrationKind
{
    PurchaseOrder = 0,
    SalesOrder = 1,
    Asn = 2,
}

/// <summary>An integration of a company, with its queue-API credentials and mappings.</summary>
public sealed class Integration
{
    public int Id { get; set; }

    public int CompanyId { get; set; }

    public Company? Company { get; set; }

    public IntegrationKind Kind { get; set; }

    public required string Name { get; set; }

    /// <summary>User name the integration client uses for Basic auth on the queue API.</summary>
    public string? QueueUserName { get; set; }

    /// <summary>Hash of the queue-API password (ASP.NET Core Identity's password hasher format).</summary>
    public string? QueuePasswordHash { get; set; }

    public DateTime CreatedAt { get; set; }

    public List<CompanyMapping> CompanyMappings { get; set; } = [];

    public List<UserMapping> UserMappings { get; set; } = [];

    public bool HasCredentials => QueueUserName is not null && QueuePasswordHash is not null;
}

/// <summary>Links an external partner code to a Jakamo company.</summary>
public sealed class CompanyMapping
{
    public int Id { get; set; }

    public int IntegrationId { get; set; }

    public required string ExternalCode { get; set; }

    public int JakamoCompanyId { get; set; }

    public Company? JakamoCompany { get; set; }
}

/// <summary>Links an external user id to a Jakamo user.</summary>
public sealed class UserMapping
{
    public int Id { get; set; }

    public int IntegrationId { get; set; }

    public required string ExternalUserId { get; set; }

    public required string JakamoUserName { get; set; }
}
