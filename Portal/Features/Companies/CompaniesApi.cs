using System.Security.Claims;
using Jakamo.Portal.Core.Companies;
using Jakamo.Portal.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Jakamo.Portal.Features.Companies;

/// <summary>Companies and onboarding of their admins.</summary>
internal static class CompaniesApi
{
    public static IEndpointRouteBuilder MapCompaniesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/companies").WithTags("Companies").RequireAuthorization(PortalAuthentication.PortalUserPolicy);

        group.MapGet("", async Task<Ok<IReadOnlyList<CompanyView>>> (ClaimsPrincipal user, CompanyService companies, CancellationToken ct) =>
                TypedResults.Ok(await companies.ListAsync(user.ToActor(), ct)))
            .WithSummary("Lists companies: support sees all, a company admin only their own.");

        group.MapPost("", async Task<Created<CompanyView>> (CreateCompanyInput input, ClaimsPrincipal user, CompanyService companies, CancellationToken ct) =>
            {
                var company = await companies.CreateAsync(user.ToActor(), input, ct);
                return TypedResults.Created($"/api/companies/{company.Id}", company);
            })
            .RequireAuthorization(PortalAuthentication.SupportPolicy)
            .ProducesValidationProblem();

        group.MapPost("{id:int}/admins", async Task<Created<CreatedAdmin>> (int id, CreateAdminInput input, ClaimsPrincipal user, CompanyService companies, CancellationToken ct) =>
            {
                var admin = await companies.CreateAdminAsync(user.ToActor(), id, input, ct);
                return TypedResults.Created($"/api/companies/{id}/admins/{admin.UserId}", admin);
            })
            .RequireAuthorization(PortalAuthentication.SupportPolicy)
            .WithSummary("Creates a company admin with a one-time password, returned once; it must be changed at first sign-in.")
            .ProducesValidationProblem();
        return app;
    }
}
