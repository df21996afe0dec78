using System.Security.Claims;
using Jakamo.Portal.Core.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;

namespace Jakamo.Portal.Security;

/// <summary>Sign-in: Identity cookies for people, personal bearer tokens for programs.</summary>
public static class PortalAuthentication
{
    public const string Scheme = "Portal";
    public const string BearerScheme = "PortalToken";
    public const string SupportPolicy = "Support";
    public const string PortalUserPolicy = "PortalUser";

    public static IServiceCollection AddPortalAuthentication(this IServiceCollection services)
    {
        services.AddAuthentication(options =>
            {
                options.DefaultScheme = Scheme;
                options.DefaultSignInScheme = IdentityConstants.ApplicationScheme;
            })
            .AddPolicyScheme(Scheme, "Cookie or bearer token", options =>
                options.ForwardDefaultSelector = context => IsBearerRequest(context.Request) ? BearerScheme : IdentityConstants.ApplicationScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiTokenAuthenticationHandler>(BearerScheme, null)
            .AddIdentityCookies();

        services.AddIdentityCore<PortalUser>(options =>
            {
                options.User.RequireUniqueEmail = true;
                options.Password.RequiredLength = 12;
                options.Password.RequireNonAlphanumeric = false;
                options.Lockout.AllowedForNewUsers = true;
                options.Lockout.MaxFailedAccessAttempts = 5;
                options.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<Core.Data.PortalDbContext>()
            .AddSignInManager()
            .AddClaimsPrincipalFactory<PortalClaimsFactory>()
            .AddDefaultTokenProviders();

        services.ConfigureApplicationCookie(options =>
        {
            options.LoginPath = "/account/login";
            options.LogoutPath = "/account/logout";
            options.AccessDeniedPath = "/account/access-denied";
            options.Cookie.Name = "jakamo.portal";
            options.Cookie.HttpOnly = true;
            // Lax, not Strict: Strict would drop the cookie when a person follows a link to the portal from mail or
            // another site, and send them to sign in again although they are signed in.
            options.Cookie.SameSite = SameSiteMode.Lax;
            // Secure whenever the request came over https; plain http stays usable for the demo on localhost.
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            options.SlidingExpiration = true;
            options.ExpireTimeSpan = TimeSpan.FromHours(8);
            options.Events.OnRedirectToLogin = context => ApiAwareRedirect(context, StatusCodes.Status401Unauthorized);
            options.Events.OnRedirectToAccessDenied = context => ApiAwareRedirect(context, StatusCodes.Status403Forbidden);
        });

        // The antiforgery cookie is only ever needed on a same-site form post, so Strict costs nothing.
        services.AddAntiforgery(options =>
        {
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });

        services.AddAuthorizationBuilder()
            .AddPolicy(SupportPolicy, p => p.RequireAuthenticatedUser().RequireRole(PortalRoles.Support))
            .AddPolicy(PortalUserPolicy, p => p.RequireAuthenticatedUser().RequireRole(PortalRoles.Support, PortalRoles.CompanyAdmin));
        return services;
    }

    /// <summary>The acting user, as the domain services see them.</summary>
    public static PortalActor ToActor(this ClaimsPrincipal user)
    {
        var id = user.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("The user is not signed in.");
        var companyId = int.TryParse(user.FindFirstValue(PortalClaims.CompanyId), out var parsed) ? parsed : (int?)null;
        return new PortalActor(id, user.Identity?.Name ?? id, user.IsInRole(PortalRoles.Support), companyId);
    }

    private static Task ApiAwareRedirect(RedirectContext<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions> context, int status)
    {
        if (IsApiRequest(context.Request))
        {
            context.Response.StatusCode = status;
            return Task.CompletedTask;
        }

        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }

    /// <summary>True when a program authenticates with a personal token rather than a browser cookie.</summary>
    public static bool IsBearerRequest(HttpRequest request) => BearerToken(request) is not null;

    /// <summary>The bearer token of the request: from the Authorization header, or, on hubs only, from the
    /// <c>access_token</c> query parameter, because a browser cannot set headers on a WebSocket.</summary>
    public static string? BearerToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return header["Bearer ".Length..].Trim();
        }

        return IsHubRequest(request) && request.Query["access_token"] is [{ Length: > 0 } token] ? token : null;
    }

    public static bool IsHubRequest(HttpRequest request) => request.Path.StartsWithSegments("/hubs");

    public static bool IsApiRequest(HttpRequest request) =>
        request.Path.StartsWithSegments("/api") || IsHubRequest(request) || request.Path.StartsWithSegments("/openapi");
}

/// <summary>Adds the company id and the must-change-password flag to the signed-in principal.</summary>
internal sealed class PortalClaimsFactory(
    UserManager<PortalUser> users,
    RoleManager<IdentityRole> roles,
    Microsoft.Extensions.Options.IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<PortalUser, IdentityRole>(users, roles, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(PortalUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        if (user.CompanyId is { } companyId)
        {
            identity.AddClaim(new Claim(PortalClaims.CompanyId, companyId.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        if (user.MustChangePassword)
        {
            identity.AddClaim(new Claim(PortalClaims.MustChangePassword, "true"));
        }

        return identity;
    }
}
