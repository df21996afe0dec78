using Microsoft.AspNetCore.Identity;

namespace Jakamo.Portal.Core.Security;

/// <summary>A portal user: a company admin (with a company) or support (without one).</summary>
public sealed class PortalUser : IdentityUser
{
    public int? CompanyId { get; set; }

    public Companies.Company? Company { get; set; }

    /// <summary>Set for a one-time password: the user must choose a new one at first sign-in.</summary>
    public bool MustChangePassword { get; set; }
}

/// <summary>A personal API token. Only its SHA-256 hash is stored; the token is shown once.</summary>
public sealed class ApiToken
{
    public int Id { get; set; }

    public required string UserId { get; set; }

    public PortalUser? User { get; set; }

    public required string Name { get; set; }

    /// <summary>The first characters of the token, so users can tell tokens apart.</summary>
    public required string Prefix { get; set; }

    public required string TokenHash { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime? LastUsedAt { get; set; }

    public DateTime? RevokedAt { get; set; }
}
