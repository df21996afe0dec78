namespace Jakamo.Portal.Core.Security;

/// <summary>Who is acting: every service call checks tenancy and role against this.</summary>
public sealed record PortalActor(string UserId, string UserName, bool IsSupport, int? CompanyId)
{
    public static PortalActor System { get; } = new("system", "system", IsSupport: true, CompanyId: null);

    /// <summary>True when the actor may see or change data of <paramref name="companyId"/>.</summary>
    public bool CanAccessCompany(int companyId) => IsSupport || CompanyId == companyId;

    public void RequireSupport()
    {
        if (!IsSupport)
        {
            throw new Common.PortalForbiddenException("Only Jakamo support can do this.");
        }
    }
}

public static class PortalRoles
{
    public const string Support = "Support";
    public const string CompanyAdmin = "CompanyAdmin";
}

public static class PortalClaims
{
    public const string CompanyId = "jakamo:company";
    public const string MustChangePassword = "jakamo:must-change-password";
}
