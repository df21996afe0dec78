using System.Security.Claims;
using Jakamo.Portal.Core.Integrations;
using Jakamo.Portal.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Jakamo.Portal.Features.Integrations;

/// <summary>The management API for integrations, their credentials, mappings and the webhook integration.</summary>
internal static class IntegrationsApi
{
    public static IEndpointRouteBuilder MapIntegrationsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/integrations").WithTags("Integrations").RequireAuthorization(PortalAuthentication.PortalUserPolicy);

        group.MapGet("", async Task<Ok<IReadOnlyList<IntegrationView>>> (ClaimsPrincipal user, IntegrationService integrations, int? companyId, CancellationToken ct) =>
                TypedResults.Ok(await integrations.ListAsync(user.ToActor(), companyId, ct)))
            .WithSummary("Lists integrations: a company admin sees only their own company's.");

        group.MapGet("{id:int}", async Task<Ok<IntegrationView>> (int id, ClaimsPrincipal user, IntegrationService integrations, CancellationToken ct) =>
            TypedResults.Ok(await integrations.GetAsync(user.ToActor(), id, ct)));

        group.MapPost("", async Task<Created<IntegrationView>> (CreateIntegrationInput input, ClaimsPrincipal user, IntegrationService integrations, CancellationToken ct) =>
            {
                var created = await integrations.CreateAsync(user.ToActor(), input, ct);
                return TypedResults.Created($"/api/integrations/{created.Id}", created);
            })
            .RequireAuthorization(PortalAuthentication.SupportPolicy)
            .WithSummary("Creates an integration (support only).")
            .ProducesValidationProblem();

        group.MapPut("{id:int}/credentials", async Task<Ok<IntegrationView>> (int id, IntegrationCredentialsInput input, ClaimsPrincipal user, IntegrationService integrations, CancellationToken ct) =>
                TypedResults.Ok(await integrations.SetCredentialsAsync(user.ToActor(), id, input, ct)))
            .RequireAuthorization(PortalAuthentication.SupportPolicy)
            .WithSummary("Sets the queue-API credentials; the password is stored hashed (support only).")
            .ProducesValidationProblem();

        group.MapPut("{id:int}/webhook-integration", async Task<Ok<IntegrationView>> (int id, WebhookIntegrationInput input, ClaimsPrincipal user, IntegrationService integrations, CancellationToken ct) =>
                TypedResults.Ok(await integrations.SetWebhookIntegrationAsync(user.ToActor(), id, input.Designated, ct)))
            .RequireAuthorization(PortalAuthentication.SupportPolicy)
            .WithSummary("Designates or clears the company's SO webhook integration (support only).")
            .ProducesValidationProblem();

        group.MapPost("{id:int}/company-mappings", async Task<Ok<IntegrationView>> (int id, CompanyMappingInput input, ClaimsPrincipal user, IntegrationService integrations, CancellationToken ct) =>
                TypedResults.Ok(await integrations.AddCompanyMappingAsync(user.ToActor(), id, input, ct)))
            .ProducesValidationProblem();

        group.MapDelete("{id:int}/company-mappings/{mappingId:int}", async Task<Ok<IntegrationView>> (int id, int mappingId, ClaimsPrincipal user, IntegrationService integrations, CancellationToken ct) =>
            TypedResults.Ok(await integrations.RemoveCompanyMappingAsync(user.ToActor(), id, mappingId, ct)));

        group.MapPost("{id:int}/user-mappings", async Task<Ok<IntegrationView>> (int id, UserMappingInput input, ClaimsPrincipal user, IntegrationService integrations, CancellationToken ct) =>
                TypedResults.Ok(await integrations.AddUserMappingAsync(user.ToActor(), id, input, ct)))
            .ProducesValidationProblem();

        group.MapDelete("{id:int}/user-mappings/{mappingId:int}", async Task<Ok<IntegrationView>> (int id, int mappingId, ClaimsPrincipal user, IntegrationService integrations, CancellationToken ct) =>
            TypedResults.Ok(await integrations.RemoveUserMappingAsync(user.ToActor(), id, mappingId, ct)));
        return app;
    }
}
