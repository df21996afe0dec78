using System.Globalization;
using System.Threading.RateLimiting;
using Jakamo.Portal.Features.Events;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Jakamo.Portal.Security;

/// <summary>Limits from <c>Portal:RateLimits</c>.</summary>
public sealed class RateLimitOptions
{
    /// <summary>Sign-in posts one client IP may make a minute; lockout protects each account on top of this.</summary>
    public int SignInPerMinute { get; set; } = 20;

    /// <summary>Steady rate of events API requests (single or batch) one API key may make a second.</summary>
    public int EventsPerSecond { get; set; } = 500;

    /// <summary>Requests one API key may make at once before the steady rate applies: ten seconds of it, so a platform's
    /// burst of a few thousand single events from many connections is never refused, however fast the node takes them.</summary>
    public int EventsBurst { get; set; } = 5000;
}

/// <summary>
/// Rate limits on the two endpoints worth guessing or flooding: sign-in, by client IP, and the events API, by API key.
/// A refusal is 429 with <c>Retry-After</c>, and a problem-details body on the API.
/// </summary>
public static class PortalRateLimits
{
    public const string SignInPolicy = "sign-in";
    public const string EventsPolicy = "events";

    public static IServiceCollection AddPortalRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<RateLimitOptions>(configuration.GetSection("Portal:RateLimits"));
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = RejectAsync;

            // The login page is one endpoint for GET and POST; only the POST is an attempt.
            options.AddPolicy(SignInPolicy, context => HttpMethods.IsPost(context.Request.Method)
                ? RateLimitPartition.GetFixedWindowLimiter($"ip:{ClientIp(context)}", _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = Limits(context).SignInPerMinute,
                    Window = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                })
                : RateLimitPartition.GetNoLimiter("read"));

            // By key, so one platform can't starve another; a request without a valid key is limited by IP instead,
            // so made-up keys can't each open a fresh bucket.
            options.AddPolicy(EventsPolicy, context => RateLimitPartition.GetTokenBucketLimiter(
                EventsApi.ValidApiKey(context.Request) is { } key ? $"key:{key}" : $"ip:{ClientIp(context)}",
                _ =>
                {
                    var limits = Limits(context);
                    return new TokenBucketRateLimiterOptions
                    {
                        TokenLimit = Math.Max(limits.EventsBurst, limits.EventsPerSecond),
                        TokensPerPeriod = limits.EventsPerSecond,
                        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                        QueueLimit = 0,
                    };
                }));
        });
        return services;
    }

    private static RateLimitOptions Limits(HttpContext context) =>
        context.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value;

    // Behind a reverse proxy this is the proxy unless forwarded headers are configured; see README "Security".
    private static string ClientIp(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    private static async ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken ct)
    {
        var http = rejected.HttpContext;
        var seconds = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
            ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))
            : 1;
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        var detail = $"Too many requests. Try again in {seconds} s.";
        if (PortalAuthentication.IsApiRequest(http.Request))
        {
            await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
            {
                HttpContext = http,
                ProblemDetails = { Status = StatusCodes.Status429TooManyRequests, Title = "Too many requests", Detail = detail },
            });
            return;
        }

        http.Response.ContentType = "text/plain; charset=utf-8";
        await http.Response.WriteAsync($"Too many sign-in attempts from your address. Try again in {seconds} s.", ct);
    }
}
