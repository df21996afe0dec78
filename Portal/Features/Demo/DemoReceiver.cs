using System.Collections.Concurrent;
using Jakamo.Portal.Security;

namespace Jakamo.Portal.Features.Demo;

/// <summary>What each demo receiver answers, and how many messages it got. Development only.</summary>
public sealed class DemoReceiverState
{
    private readonly ConcurrentDictionary<string, int> _status = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, int> _received = new(StringComparer.OrdinalIgnoreCase);

    public static IReadOnlyList<int> Choices { get; } = [200, 201, 202, 204, 400, 401, 500, 503];

    public int StatusOf(string name) => _status.GetValueOrDefault(name, 200);

    public void SetStatus(string name, int status) => _status[name] = status;

    public int Received(string name) => _received.GetValueOrDefault(name);

    internal void Count(string name) => _received.AddOrUpdate(name, 1, (_, n) => n + 1);
}

/// <summary>A receiver inside the portal, so a newcomer sees deliveries succeed and fail without a server of their own.</summary>
internal static class DemoReceiver
{
    public static IEndpointRouteBuilder MapDemoReceiver(this IEndpointRouteBuilder app)
    {
        app.MapPost("/demo/receiver/{name}", async (string name, HttpRequest request, DemoReceiverState state) =>
            {
                // Drain the body, as a real receiver would, so the sender sees a complete exchange.
                await request.Body.CopyToAsync(Stream.Null);
                state.Count(name);
                var status = state.StatusOf(name);
                if (status == StatusCodes.Status503ServiceUnavailable)
                {
                    request.HttpContext.Response.Headers.RetryAfter = "120";
                }

                return Results.Json(new { receiver = name, status }, statusCode: status);
            })
            .ExcludeFromDescription();

        app.MapPut("/demo/receiver/{name}/status/{status:int}", (string name, int status, DemoReceiverState state) =>
            {
                if (!DemoReceiverState.Choices.Contains(status))
                {
                    return Results.Problem(statusCode: 400, detail: $"Choose one of {string.Join(", ", DemoReceiverState.Choices)}.");
                }

                state.SetStatus(name, status);
                return Results.NoContent();
            })
            .RequireAuthorization(PortalAuthentication.SupportPolicy)
            .ExcludeFromDescription();
        return app;
    }
}
