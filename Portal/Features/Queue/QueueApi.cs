using System.Net.Http.Headers;
using System.Text;
using Jakamo.Portal.Core.Queue;

namespace Jakamo.Portal.Features.Queue;

/// <summary>The integration client's API queue, with Basic auth using the integration's credentials.</summary>
internal static class QueueApi
{
    public const string AcknowledgedBody = "<Info>Message cleared from the queue</Info>";
    private const string IntegrationItem = "jakamo.queue.integration";

    public static IEndpointRouteBuilder MapQueueApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/queue").WithTags("Queue").AddEndpointFilter(RequireIntegrationAsync);

        group.MapGet("", async (HttpContext http, QueueService queue, CancellationToken ct) =>
            {
                var item = await queue.PeekAsync((int)http.Items[IntegrationItem]!, ct);
                if (item is null)
                {
                    return Results.NoContent();
                }

                http.Response.Headers["X-Acknowledge-Uri"] = AcknowledgeUri(http.Request, item.MessageId);
                http.Response.Headers["X-Message-Id"] = item.MessageId.ToString(System.Globalization.CultureInfo.InvariantCulture);
                http.Response.Headers["X-Jakamo-Event"] = item.EventType;
                return Results.Text(item.Payload, item.ContentType, Encoding.UTF8);
            })
            .WithSummary("Returns the oldest message not yet acknowledged (the same one until it is), or 204 when the queue is empty.");

        group.MapPost("{messageId:long}/ack", async (long messageId, HttpContext http, QueueService queue, CancellationToken ct) =>
                await queue.AcknowledgeAsync((int)http.Items[IntegrationItem]!, messageId, ct)
                    ? Results.Text(AcknowledgedBody, "application/xml", Encoding.UTF8)
                    : Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: $"Message {messageId} is not in this integration's queue."))
            .WithSummary("Acknowledges (removes) a message. No body is needed.");
        return app;
    }

    private static string AcknowledgeUri(HttpRequest request, long messageId) =>
        $"{request.Scheme}://{request.Host}{request.PathBase}/api/queue/{messageId}/ack";

    private static async ValueTask<object?> RequireIntegrationAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (AuthenticationHeaderValue.TryParse(http.Request.Headers.Authorization, out var header)
            && string.Equals(header.Scheme, "Basic", StringComparison.OrdinalIgnoreCase)
            && TryDecode(header.Parameter, out var user, out var password)
            && await http.RequestServices.GetRequiredService<QueueService>().AuthenticateAsync(user, password, http.RequestAborted) is { } integrationId)
        {
            http.Items[IntegrationItem] = integrationId;
            return await next(context);
        }

        http.Response.Headers.WWWAuthenticate = "Basic realm=\"Jakamo API queue\", charset=\"UTF-8\"";
        return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized",
            detail: "Use Basic authentication with your integration's queue user name and password.");
    }

    private static bool TryDecode(string? parameter, out string user, out string password)
    {
        (user, password) = ("", "");
        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(parameter ?? ""));
            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                return false;
            }

            (user, password) = (decoded[..colon], decoded[(colon + 1)..]);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
