using System.Security.Claims;
using Jakamo.Portal.Core.Deliveries;
using Jakamo.Portal.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Jakamo.Portal.Features.Deliveries;

/// <summary>The transport log and manual resends.</summary>
internal static class DeliveriesApi
{
    public static IEndpointRouteBuilder MapDeliveriesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/deliveries").WithTags("Deliveries").RequireAuthorization(PortalAuthentication.PortalUserPolicy);

        group.MapGet("", async Task<Ok<PagedResult<DeliveryRow>>> (
                ClaimsPrincipal user, DeliveryService deliveries, int? companyId, int? webhookId, string? eventType, DeliveryStatus? status,
                DateTime? from, DateTime? to, string? search, int? page, int? pageSize, CancellationToken ct) =>
            {
                var filter = new DeliveryFilter
                {
                    CompanyId = companyId,
                    WebhookId = webhookId,
                    EventType = eventType,
                    Status = status,
                    From = from?.ToUniversalTime(),
                    To = to?.ToUniversalTime(),
                    Search = search,
                };
                return TypedResults.Ok(await deliveries.ListAsync(user.ToActor(), filter, page ?? 1, pageSize ?? 50, ct));
            })
            .WithSummary("Lists deliveries, newest first, paged on the server. search matches the event id, external id or reference.");

        group.MapGet("{id:long}", async Task<Ok<DeliveryDetail>> (long id, ClaimsPrincipal user, DeliveryService deliveries, CancellationToken ct) =>
                TypedResults.Ok(await deliveries.GetAsync(user.ToActor(), id, ct)))
            .WithSummary("One delivery with every attempt (the transport log). Secrets are masked.");

        group.MapPost("{id:long}/resend", async Task<Accepted<DeliveryRow>> (long id, ClaimsPrincipal user, DeliveryService deliveries, CancellationToken ct) =>
                TypedResults.Accepted($"/api/deliveries/{id}", await deliveries.RequestResendAsync(user.ToActor(), id, ct)))
            .WithSummary("Resends one delivery now, as a new manual attempt that records who asked.");

        group.MapPost("resend", async Task<Accepted<BulkResendResult>> (DeliveryFilter filter, ClaimsPrincipal user, DeliveryService deliveries, CancellationToken ct) =>
                TypedResults.Accepted("/api/deliveries", await deliveries.BulkResendAsync(user.ToActor(), filter, ct)))
            .RequireAuthorization(PortalAuthentication.SupportPolicy)
            .WithSummary("Support: resends every delivery matching the filter (failed ones when no status is given). Returns how many were queued, and their ids.");
        return app;
    }
}
