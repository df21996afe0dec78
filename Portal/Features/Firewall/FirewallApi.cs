using System.Security.Claims;
using Jakamo.Portal.Core.Firewall;
using Jakamo.Portal.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Jakamo.Portal.Features.Firewall;

public sealed record FirewallOpeningInput(string? Host, string? Note);

/// <summary>Support's API for the firewall openings.</summary>
internal static class FirewallApi
{
    public static IEndpointRouteBuilder MapFirewallApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/firewall-openings").WithTags("Firewall").RequireAuthorization(PortalAuthentication.SupportPolicy);

        group.MapGet("", async Task<Ok<IReadOnlyList<FirewallOpeningView>>> (ClaimsPrincipal user, FirewallService firewall, CancellationToken ct) =>
            TypedResults.Ok(await firewall.ListAsync(user.ToActor(), ct)));

        group.MapPost("", async Task<Created<FirewallOpeningView>> (FirewallOpeningInput input, ClaimsPrincipal user, FirewallService firewall, CancellationToken ct) =>
            {
                var opening = await firewall.AddAsync(user.ToActor(), input.Host, input.Note, ct);
                return TypedResults.Created($"/api/firewall-openings/{opening.Id}", opening);
            })
            .ProducesValidationProblem();

        group.MapDelete("{id:int}", async Task<NoContent> (int id, ClaimsPrincipal user, FirewallService firewall, CancellationToken ct) =>
        {
            await firewall.RemoveAsync(user.ToActor(), id, ct);
            return TypedResults.NoContent();
        });
        return app;
    }
}
