using System.Security.Claims;
using Jakamo.Portal.Core.Security;
using Jakamo.Portal.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Jakamo.Portal.Features.Profile;

public sealed record CreateTokenInput(string? Name);

/// <summary>The caller's own personal API tokens.</summary>
internal static class TokensApi
{
    public static IEndpointRouteBuilder MapTokensApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/tokens").WithTags("Profile").RequireAuthorization(PortalAuthentication.PortalUserPolicy);

        group.MapGet("", async Task<Ok<IReadOnlyList<ApiTokenView>>> (ClaimsPrincipal user, ApiTokenService tokens, CancellationToken ct) =>
            TypedResults.Ok(await tokens.ListAsync(user.ToActor(), ct)));

        group.MapPost("", async Task<Created<CreatedApiToken>> (CreateTokenInput input, ClaimsPrincipal user, ApiTokenService tokens, CancellationToken ct) =>
            {
                var created = await tokens.CreateAsync(user.ToActor(), input.Name, ct);
                return TypedResults.Created($"/api/tokens/{created.Token.Id}", created);
            })
            .WithSummary("Creates a token; its plain text is returned once.")
            .ProducesValidationProblem();

        group.MapDelete("{id:int}", async Task<NoContent> (int id, ClaimsPrincipal user, ApiTokenService tokens, CancellationToken ct) =>
        {
            await tokens.RevokeAsync(user.ToActor(), id, ct);
            return TypedResults.NoContent();
        });
        return app;
    }
}
