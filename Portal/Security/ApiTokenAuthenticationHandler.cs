using System.Text.Encodings.Web;
using Jakamo.Portal.Core.Security;
using Jakamo.Portal.Realtime;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Jakamo.Portal.Security;

/// <summary>Authenticates <c>Authorization: Bearer jkp_…</c> personal API tokens with the owner's role and company, and,
/// on hubs, the pages' in-process attempt feed.</summary>
internal sealed class ApiTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiTokenService tokens,
    UserManager<PortalUser> users,
    IUserClaimsPrincipalFactory<PortalUser> principals,
    AttemptFeedIdentity feed)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var token = PortalAuthentication.BearerToken(Request);
        if (token is null)
        {
            return AuthenticateResult.NoResult();
        }

        if (PortalAuthentication.IsHubRequest(Request) && feed.Matches(token))
        {
            return AuthenticateResult.Success(new AuthenticationTicket(feed.Principal(Scheme.Name), Scheme.Name));
        }

        var identity = await tokens.AuthenticateAsync(token, Context.RequestAborted);
        if (identity is null)
        {
            return AuthenticateResult.Fail("The API token is invalid or revoked.");
        }

        var user = await users.FindByIdAsync(identity.UserId);
        if (user is null || await users.IsLockedOutAsync(user))
        {
            return AuthenticateResult.Fail("The API token's user is locked out or no longer exists.");
        }

        var principal = await principals.CreateAsync(user);
        return AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        return Task.CompletedTask;
    }
}
