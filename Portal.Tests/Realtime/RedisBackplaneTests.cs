using System.Collections.Concurrent;
using Jakamo.Portal.Core.Deliveries;
using Jakamo.Portal.Core.Security;
using Jakamo.Portal.Realtime;
using Jakamo.Portal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Jakamo.Portal.Tests.Realtime;

/// <summary>With <c>SignalR:Redis</c> set, attempts one node commits reach the hub clients, and the pages' feed, of
/// another node: two real portal hosts, one real Redis.</summary>
// Two whole hosts start and stop here; running alone, their process-wide Hangfire set-up (its log provider) cannot
// end up pointing at a stopped host while another test's host still runs jobs.
[CollectionDefinition(nameof(RedisBackplaneTests), DisableParallelization = true)]
public sealed class RedisBackplaneCollection;

[Trait("Category", "Redis")]
[Collection(nameof(RedisBackplaneTests))]
public sealed class RedisBackplaneTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task AttemptsCommittedOnOneNode_ReachClientsAndTheFeedOfAnother()
    {
        var settings = TestRedis.BackplaneSettings("jakamo-test-" + Guid.NewGuid().ToString("n"));
        await using var node1 = new PortalAppFactory(settings: settings);
        await using var node2 = new PortalAppFactory(settings: settings);
        await using var browser = await TransportLogClient.ConnectAsync(node1, PortalAppFactory.SupportToken);
        var feed = (HubAttemptFeed)node1.Services.GetRequiredService<IAttemptFeed>();
        await Poll.UntilAsync(() => Task.FromResult(feed.IsConnected), Wait, "node 1's feed is connected to its hub");
        var fed = new ConcurrentQueue<LiveAttempt>();
        using var subscription = feed.Subscribe(new PortalActor("support", "support@example.com", true, null), attempts =>
        {
            attempts.ToList().ForEach(fed.Enqueue);
            return Task.CompletedTask;
        });
        _ = node2.BaseAddress;

        // Node 2's engine reports attempts until node 1 hears one: the backplane's subscription may still be settling.
        var broadcaster = node2.Services.GetRequiredService<TransportLogBroadcaster>();
        long sent = 0;
        await Poll.UntilAsync(() =>
        {
            broadcaster.Committed([Attempt(Interlocked.Increment(ref sent))]);
            return Task.FromResult(browser.Attempts.Count > 0 && !fed.IsEmpty);
        }, Wait, "a client and the feed of node 1 receive node 2's attempt");

        Assert.All(browser.Attempts, a => Assert.InRange(a.GetProperty("attemptId").GetInt64(), 1, sent));
        Assert.All(fed, a => Assert.Equal("hook on node 2", a.WebhookName));
    }

    private static LiveAttempt Attempt(long id) => new(
        id, id, 4242, 7, "hook on node 2", id, "so.created", $"SO-{id}", 1, AttemptTrigger.First, null,
        new DateTime(2026, 12, 1, 8, 0, 0, DateTimeKind.Utc), 12, AttemptOutcome.Succeeded, 200, DeliveryStatus.Succeeded, "delivered");
}
