using System.Net;
using Jakamo.Portal.Tests.Infrastructure;

namespace Jakamo.Portal.Tests.Api;

/// <summary>A portal whose rate limits are low enough to reach in a test.</summary>
public sealed class LowRateLimitsFixture : IDisposable
{
    public const int SignInPerMinute = 3;
    public const int EventsBurst = 2;
    public const string KeyA = "rate-limit-key-a";
    public const string KeyB = "rate-limit-key-b";

    public PortalAppFactory App { get; } = new(settings: new()
    {
        ["Portal:RateLimits:SignInPerMinute"] = SignInPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Portal:RateLimits:EventsPerSecond"] = "1",
        ["Portal:RateLimits:EventsBurst"] = EventsBurst.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Portal:Events:ApiKeys:0"] = KeyA,
        ["Portal:Events:ApiKeys:1"] = KeyB,
    });

    public void Dispose() => App.Dispose();
}

/// <summary>Sign-in is limited by client IP and the events API by key: 429 with Retry-After, problem details on the API.</summary>
public sealed class RateLimitTests(LowRateLimitsFixture fixture) : IClassFixture<LowRateLimitsFixture>
{
    private readonly PortalAppFactory _app = fixture.App;

    [Fact]
    public async Task SignIn_AnswersTooManyRequests_AfterTheConfiguredAttemptsAMinute_ButThePageStillLoads()
    {
        using var session = new BrowserlessSession(_app.BaseAddress);
        for (var attempt = 0; attempt < LowRateLimitsFixture.SignInPerMinute; attempt++)
        {
            var wrong = await session.SignInAsync($"nobody-{attempt}@example.com", "not-the-password");
            Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
        }

        var refused = await session.SignInAsync("nobody@example.com", "not-the-password");

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.InRange(refused.Headers.RetryAfter?.Delta?.TotalSeconds ?? 0, 1, 60);
        Assert.Contains("Too many sign-in attempts", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var page = await session.Client.GetAsync(new Uri("account/login", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
    }

    [Fact]
    public async Task EventsApi_AnswersTooManyRequestsWithProblemDetails_OnceAKeyUsedItsBurst_WhileAnotherKeyIsServed()
    {
        using var keyA = PlatformClient(LowRateLimitsFixture.KeyA);
        for (var i = 0; i < LowRateLimitsFixture.EventsBurst; i++)
        {
            using var served = await keyA.SendAsync(HttpMethod.Post, "api/events", new { type = "so.created" });
            Assert.NotEqual(HttpStatusCode.TooManyRequests, served.StatusCode);
        }

        // One request a second comes back, so a slow machine may be served once or twice more before the refusal.
        HttpResponseMessage? refused = null;
        for (var i = 0; i < 10 && refused is null; i++)
        {
            var response = await keyA.SendAsync(HttpMethod.Post, "api/events/batch", new { events = Array.Empty<object>() });
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                refused = response;
            }
            else
            {
                response.Dispose();
            }
        }

        Assert.NotNull(refused);
        using (refused)
        {
            Assert.InRange(refused.Headers.RetryAfter?.Delta?.TotalSeconds ?? 0, 1, 5);
            await refused.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        }

        using var keyB = PlatformClient(LowRateLimitsFixture.KeyB);
        using var other = await keyB.SendAsync(HttpMethod.Post, "api/events", new { type = "so.created" });
        Assert.NotEqual(HttpStatusCode.TooManyRequests, other.StatusCode);
    }

    private HttpClient PlatformClient(string key)
    {
        var client = _app.NewClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        return client;
    }
}
