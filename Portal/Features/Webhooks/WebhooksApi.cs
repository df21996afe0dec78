using System.Security.Claims;
using Jakamo.Portal.Core.Events;
using Jakamo.Portal.Core.Webhooks;
using Jakamo.Portal.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Jakamo.Portal.Features.Webhooks;

/// <summary>The management API for webhooks and the event-type catalog.</summary>
internal static class WebhooksApi
{
    public static IEndpointRouteBuilder MapWebhooksApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/webhooks").WithTags("Webhooks").RequireAuthorization(PortalAuthentication.PortalUserPolicy);

        group.MapGet("", async Task<Ok<IReadOnlyList<WebhookView>>> (ClaimsPrincipal user, WebhookService webhooks, int? companyId, CancellationToken ct) =>
                TypedResults.Ok(await webhooks.ListAsync(user.ToActor(), companyId, ct)))
            .WithSummary("Lists webhooks: a company admin's own, or for support every company's (filter with companyId).");

        group.MapGet("{id:int}", async Task<Ok<WebhookView>> (int id, ClaimsPrincipal user, WebhookService webhooks, CancellationToken ct) =>
                TypedResults.Ok(await webhooks.GetAsync(user.ToActor(), id, ct)))
            .WithSummary("Gets one webhook. Secrets are never returned, only whether they are set.");

        group.MapPost("", async Task<Created<WebhookSaveResult>> (WebhookInput input, ClaimsPrincipal user, WebhookService webhooks, CancellationToken ct) =>
            {
                var result = await webhooks.CreateAsync(user.ToActor(), input, ct);
                return TypedResults.Created($"/api/webhooks/{result.Webhook.Id}", result);
            })
            .WithSummary("Creates a webhook. A generated signing secret is returned once, in newSigningSecret.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapPut("{id:int}", async Task<Ok<WebhookSaveResult>> (int id, WebhookInput input, ClaimsPrincipal user, WebhookService webhooks, CancellationToken ct) =>
                TypedResults.Ok(await webhooks.UpdateAsync(user.ToActor(), id, input, ct)))
            .WithSummary("Changes a webhook. Omit a secret to keep the stored one.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapDelete("{id:int}", async Task<NoContent> (int id, ClaimsPrincipal user, WebhookService webhooks, CancellationToken ct) =>
            {
                await webhooks.DeleteAsync(user.ToActor(), id, ct);
                return TypedResults.NoContent();
            })
            .WithSummary("Deletes a webhook that has never sent a message; otherwise 409.")
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status404NotFound);

        app.MapGet("/api/event-types", () => TypedResults.Ok(EventTypeCatalog.All))
            .WithTags("Webhooks")
            .WithSummary("The event-type catalog.")
            .RequireAuthorization(PortalAuthentication.PortalUserPolicy);
        return app;
    }
}
