using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Jakamo.Portal.Core.Deliveries;
using Jakamo.Portal.Core.Security;
using Jakamo.Portal.Realtime;
using Jakamo.Portal.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Jakamo.Portal.Tests.Api;

/// <summary>The live transport log over real SignalR clients against the real app on Kestrel: who may connect, who
/// receives which company's attempts, and the in-process feed pages use.</summary>
public sealed class TransportLogHubTests(DeliveryAppFixture fixture) : IClassFixture<DeliveryAppFixture>
{
    private const string Payload = "<Order><ID>live-log</ID></Order>";

    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    private readonly PortalAppFactory _app = fixture.App;

    [Theory]
    [InlineData(null)]
    [InlineData("jkp_not-a-real-token")]
    public async Task Connection_IsRefused_WithoutAValidSignIn(string? token)
    {
        await using var connection = TransportLogClient.Build(_app, token);

        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => connection.StartAsync());

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public async Task AccessTokenInTheQueryString_IsAcceptedOnHubsOnly()
    {
        var tenant = await _app.NewTenantAsync();
        var token = Uri.EscapeDataString(tenant.AdminToken);
        using var client = _app.NewClient();

        using var negotiated = await client.PostAsync(new Uri($"hubs/transport-log/negotiate?negotiateVersion=1&access_token={token}", UriKind.Relative), null);
        using var withoutToken = await client.PostAsync(new Uri("hubs/transport-log/negotiate?negotiateVersion=1", UriKind.Relative), null);
        using var onTheApi = await client.GetAsync(new Uri($"api/deliveries?access_token={token}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, negotiated.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, withoutToken.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, onTheApi.StatusCode);
    }

    [Fact]
    public async Task FeedSecret_IsRefusedOutsideHubs()
    {
        using var client = _app.NewClient(_app.Services.GetRequiredService<AttemptFeedIdentity>().Secret);

        using var response = await client.GetAsync(new Uri("api/deliveries", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Support_ReceivesEveryCompanysAttempts_OrOneCompanysAfterSubscribingToIt()
    {
        var (a, _) = await fixture.NewTenantWithWebhookAsync();
        var (b, _) = await fixture.NewTenantWithWebhookAsync();
        await using var support = await TransportLogClient.ConnectAsync(_app, PortalAppFactory.SupportToken);
        await using var adminB = await TransportLogClient.ConnectAsync(_app, b.AdminToken);

        var ofA = await PostEventAsync(a);
        var ofB = await PostEventAsync(b);
        await Poll.UntilAsync(() => Task.FromResult(support.HasEvent(ofA) && support.HasEvent(ofB)), Wait, "support receives both companies' attempts");

        await support.Connection.InvokeAsync(nameof(TransportLogHub.SubscribeToCompany), a.CompanyId);
        var hiddenOfB = await PostEventAsync(b);
        await Poll.UntilAsync(() => Task.FromResult(adminB.HasEvent(hiddenOfB)), Wait, "B's attempt is published");
        var laterOfA = await PostEventAsync(a);
        await Poll.UntilAsync(() => Task.FromResult(support.HasEvent(laterOfA)), Wait, "support receives A's later attempt");
        Assert.False(support.HasEvent(hiddenOfB), "support follows only A after subscribing to it");

        await support.Connection.InvokeAsync(nameof(TransportLogHub.SubscribeToAll));
        var laterOfB = await PostEventAsync(b);
        await Poll.UntilAsync(() => Task.FromResult(support.HasEvent(laterOfB)), Wait, "support receives B's attempts again");
    }

    [Fact]
    public async Task ReceivedAttempts_CarryTheMaskedSummary_WithReadableEnums_AndNoSecret()
    {
        var (tenant, _) = await fixture.NewTenantWithWebhookAsync();
        await using var admin = await TransportLogClient.ConnectAsync(_app, tenant.AdminToken);

        var eventId = await PostEventAsync(tenant, reference: "SO-LIVE-7");

        await Poll.UntilAsync(() => Task.FromResult(admin.HasEvent(eventId)), Wait, "the attempt arrives");
        var attempt = admin.Attempts.Single(x => x.GetProperty("eventId").GetInt64() == eventId);
        Assert.Equal("Succeeded", attempt.GetProperty("outcome").GetString());
        Assert.Equal("First", attempt.GetProperty("trigger").GetString());
        Assert.Equal("Succeeded", attempt.GetProperty("deliveryStatus").GetString());
        Assert.Equal("so.created", attempt.GetProperty("eventType").GetString());
        Assert.Equal("ERP production", attempt.GetProperty("webhookName").GetString());
        Assert.Equal("SO-LIVE-7", attempt.GetProperty("reference").GetString());
        Assert.Equal(200, attempt.GetProperty("responseStatus").GetInt32());

        var received = string.Concat(admin.Messages);
        var basicCredentials = Convert.ToBase64String(Encoding.UTF8.GetBytes($"jakamo:{ApiTenants.BasicPassword}"));
        foreach (var secret in new[] { ApiTenants.BasicPassword, basicCredentials, tenant.AdminToken, "Authorization", Payload })
        {
            Assert.DoesNotContain(secret, received, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task CookieSignedInAdmin_Connects_AndReceivesItsCompanysAttempts()
    {
        var (tenant, _) = await fixture.NewTenantWithWebhookAsync();
        using var session = new BrowserlessSession(_app.BaseAddress);
        using var signIn = await session.SignInAsync(tenant.AdminEmail, tenant.AdminPassword);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);

        await using var browser = await TransportLogClient.ConnectAsync(_app, cookies: session.Cookies);
        var eventId = await PostEventAsync(tenant);

        await Poll.UntilAsync(() => Task.FromResult(browser.HasEvent(eventId)), Wait, "the cookie-authenticated connection receives the attempt");
    }

    [Fact]
    public async Task AttemptFeed_GivesEachSubscriberOnlyWhatItsActorMaySee_UntilDisposed()
    {
        var (a, _) = await fixture.NewTenantWithWebhookAsync();
        var (b, _) = await fixture.NewTenantWithWebhookAsync();
        var feed = _app.Services.GetRequiredService<IAttemptFeed>();
        await Poll.UntilAsync(() => Task.FromResult(((HubAttemptFeed)feed).IsConnected), Wait, "the feed is connected to the hub");
        var forA = new ConcurrentQueue<LiveAttempt>();
        var forSupport = new ConcurrentQueue<LiveAttempt>();
        var subscriptionA = feed.Subscribe(new PortalActor(a.AdminUserId, a.AdminEmail, false, a.CompanyId), Collect(forA));
        using var supportSubscription = feed.Subscribe(new PortalActor("support", "support@example.com", true, null), Collect(forSupport));

        var firstOfA = await PostEventAsync(a);
        await Poll.UntilAsync(() => Task.FromResult(forA.Any(x => x.EventId == firstOfA)), Wait, "A's subscriber gets A's attempt");
        var ofB = await PostEventAsync(b);
        await Poll.UntilAsync(() => Task.FromResult(forSupport.Any(x => x.EventId == ofB)), Wait, "support's subscriber gets B's attempt");
        var secondOfA = await PostEventAsync(a);
        await Poll.UntilAsync(() => Task.FromResult(forA.Any(x => x.EventId == secondOfA)), Wait, "A's subscriber gets A's next attempt");

        Assert.All(forA, x => Assert.Equal(a.CompanyId, x.CompanyId));
        Assert.Contains(forSupport, x => x.EventId == firstOfA);
        Assert.Equal(AttemptOutcome.Succeeded, forA.First(x => x.EventId == firstOfA).Outcome);

        subscriptionA.Dispose();
        subscriptionA.Dispose();
        var seenByA = forA.Count;
        var afterDisposal = await PostEventAsync(a);
        await Poll.UntilAsync(() => Task.FromResult(forSupport.Any(x => x.EventId == afterDisposal)), Wait, "support's subscriber gets A's attempt");
        Assert.Equal(seenByA, forA.Count);
    }

    [Fact]
    public async Task Broadcaster_DropsTheOldestBatches_WhenItsQueueIsFull_WithoutBlockingTheEngine()
    {
        await using var support = await TransportLogClient.ConnectAsync(_app, PortalAppFactory.SupportToken);
        using var broadcaster = ActivatorUtilities.CreateInstance<TransportLogBroadcaster>(
            _app.Services, Options.Create(new RealtimeOptions { BroadcastQueueCapacity = 2 }));
        var ids = Enumerable.Range(1, 5).Select(i => 9_000_000L + i).ToList();

        // Nothing drains yet, so the queue holds two batches and the engine's calls must still return at once.
        foreach (var id in ids)
        {
            broadcaster.Committed([FakeAttempt(id)]);
        }

        await broadcaster.StartAsync(CancellationToken.None);
        await Poll.UntilAsync(() => Task.FromResult(support.HasAttempt(ids[3]) && support.HasAttempt(ids[4])), Wait, "the two newest batches are published");
        await broadcaster.StopAsync(CancellationToken.None);

        Assert.DoesNotContain(ids[..3], support.HasAttempt);
        Assert.Contains(_app.LogLines, line => line.Contains("queue is full", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("http://127.0.0.1:5080", "http://127.0.0.1:5080/hubs/transport-log")]
    [InlineData("http://[::]:5080", "http://127.0.0.1:5080/hubs/transport-log")]
    [InlineData("http://+:80", "http://127.0.0.1/hubs/transport-log")]
    [InlineData("http://localhost:5080", "http://127.0.0.1:5080/hubs/transport-log")]
    [InlineData("https://0.0.0.0:443 http://[::]:8080", "http://127.0.0.1:8080/hubs/transport-log")]
    [InlineData("http://10.1.2.3:8080 http://127.0.0.1:8081", "http://127.0.0.1:8081/hubs/transport-log")]
    [InlineData("https://[::]:5443", "https://127.0.0.1:5443/hubs/transport-log")]
    public void AttemptFeed_ConnectsToItsOwnNode_PreferringPlainHttpOnLoopback(string serverAddresses, string expected) =>
        Assert.Equal(new Uri(expected), HubAttemptFeed.HubUrl(serverAddresses.Split(' ')));

    [Fact]
    public void AttemptFeed_HasNoHubUrl_WithoutATcpAddress() =>
        Assert.Null(HubAttemptFeed.HubUrl(["http://unix:/run/portal.sock"]));

    private async Task<long> PostEventAsync(ApiTenant tenant, string? reference = null) =>
        (await fixture.PublishAsync(tenant.IntegrationId, Payload, reference)).GetProperty("eventId").GetInt64();

    private static Func<IReadOnlyList<LiveAttempt>, Task> Collect(ConcurrentQueue<LiveAttempt> into) => attempts =>
    {
        foreach (var attempt in attempts)
        {
            into.Enqueue(attempt);
        }

        return Task.CompletedTask;
    };

    private static LiveAttempt FakeAttempt(long id) => new(
        id, id, CompanyId: -1, WebhookId: -1, "flood", id, "so.created", null, 1, AttemptTrigger.First, null,
        DateTime.UnixEpoch, 1, AttemptOutcome.Succeeded, 200, DeliveryStatus.Succeeded, "ok");
}
