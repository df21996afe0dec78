using Jakamo.Portal.Core.Security;
using Jakamo.Portal.Security;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;

namespace Jakamo.Portal.Features.Account;

/// <summary>Account endpoints that are plain HTTP: sign-out, and the must-change-password gate.</summary>
internal static class AccountEndpoints
{
    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        // A form post carrying the antiforgery token; binding from the form makes the middleware validate it.
        app.MapPost("/account/logout", async ([FromForm] string? returnUrl, SignInManager<PortalUser> signIn) =>
        {
            await signIn.SignOutAsync();
            return TypedResults.LocalRedirect("~/account/login");
        }).ExcludeFromDescription();
        return app;
    }

    /// <summary>
    /// Keeps a user with a one-time password on the change-password page until they choose their own.
    /// API calls are left alone: a program can't follow a redirect to a page.
    /// </summary>
    public static IApplicationBuilder UseMustChangePasswordGate(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            var path = context.Request.Path;
            if (context.User.HasClaim(PortalClaims.MustChangePassword, "true")
                && !path.StartsWithSegments("/account")
                && !path.StartsWithSegments("/_framework")
                && !path.StartsWithSegments("/_content")
                && !path.StartsWithSegments("/_blazor")
                && !PortalAuthentication.IsApiRequest(context.Request)
                && !PortalAuthentication.IsBearerRequest(context.Request)
                && HttpMethods.IsGet(context.Request.Method)
                && !Path.HasExtension(path.Value))
            {
                context.Response.Redirect("/account/change-password");
                return;
            }

            await next();
        });
}

/// <summary>Accepts only local return URLs, so sign-in can't be used as an open redirect.</summary>
internal static class LocalUrl
{
    public static string OrHome(string? url) =>
        !string.IsNullOrEmpty(url) && url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal)
            ? url
            : "/";
}
