using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Jakamo.Portal.Core.Common;
using Jakamo.Portal.Core.Events;
using Jakamo.Portal.Security;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Jakamo.Portal.Features.Events;

public sealed record EventBatchInput(List<EventInput>? Events);

/// <summary>How the platform sends business events in: <c>X-Api-Key</c> from <c>Portal:Events:ApiKeys</c>.</summary>
internal static class EventsApi
{
    public static IEndpointRouteBuilder MapEventsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/events").WithTags("Events")
            .RequireRateLimiting(PortalRateLimits.EventsPolicy)
            .AddEndpointFilter(RequireApiKeyAsync);

        group.MapPost("", async Task<Accepted<PublishedEvent>> (HttpRequest request, EventIngestion ingestion, IOptions<EventOptions> options, CancellationToken ct) =>
            {
                var input = await ReadBodyAsync<EventInput>(request, options.Value.MaxPayloadBytes + (64 * 1024), ct);
                var published = await ingestion.PublishAsync(input, ct);
                return TypedResults.Accepted($"/api/deliveries?search={published.EventId}", published);
            })
            .Accepts<EventInput>("application/json")
            .WithSummary("Accepts one event: 202 with the event id. The same externalId again returns the original event.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);

        group.MapPost("batch", async Task<Accepted<IReadOnlyList<PublishedEvent>>> (HttpRequest request, EventIngestion ingestion, IOptions<EventOptions> options, CancellationToken ct) =>
            {
                var limit = ((long)options.Value.MaxPayloadBytes + (64 * 1024)) * Math.Min(options.Value.MaxBatchSize, 64);
                var input = await ReadBodyAsync<EventBatchInput>(request, limit, ct);
                var published = await ingestion.PublishBatchAsync(input.Events ?? [], ct);
                return TypedResults.Accepted("/api/deliveries", published);
            })
            .Accepts<EventBatchInput>("application/json")
            .WithSummary("Accepts up to 1,000 events in one transaction: all are stored, or none.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        return app;
    }

    /// <summary>Reads the JSON body under a size limit, so an oversized body gets 413 before it is buffered.</summary>
    private static async Task<T> ReadBodyAsync<T>(HttpRequest request, long maxBytes, CancellationToken ct)
        where T : class
    {
        if (request.ContentLength > maxBytes)
        {
            throw new BadHttpRequestException("The request body is too large.", StatusCodes.Status413PayloadTooLarge);
        }

        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            sizeFeature.MaxRequestBodySize = maxBytes;
        }

        if (!request.HasJsonContentType())
        {
            throw new BadHttpRequestException("Send the body as application/json.", StatusCodes.Status415UnsupportedMediaType);
        }

        try
        {
            var options = request.HttpContext.RequestServices.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
            return await JsonSerializer.DeserializeAsync<T>(request.Body, options, ct)
                ?? throw new PortalValidationException("body", "A JSON body is required.");
        }
        catch (JsonException ex)
        {
            throw new BadHttpRequestException("The JSON body is invalid.", StatusCodes.Status400BadRequest, ex);
        }
    }

    /// <summary>The request's <c>X-Api-Key</c> when it is one of <c>Portal:Events:ApiKeys</c>, compared in constant time.</summary>
    public static string? ValidApiKey(HttpRequest request)
    {
        var keys = request.HttpContext.RequestServices.GetRequiredService<IOptions<EventOptions>>().Value.ApiKeys;
        var header = request.Headers["X-Api-Key"].ToString();
        var given = Encoding.UTF8.GetBytes(header);
        var valid = given.Length > 0 && keys.Any(k => !string.IsNullOrEmpty(k) && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(k), given));
        return valid ? header : null;
    }

    private static async ValueTask<object?> RequireApiKeyAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        ValidApiKey(context.HttpContext.Request) is not null
            ? await next(context)
            : TypedResults.Problem(
                statusCode: StatusCodes.Status401Unauthorized,
                title: "Unauthorized",
                detail: "Send a platform API key from Portal:Events:ApiKeys in the X-Api-Key header.");
}
