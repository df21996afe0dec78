using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Jakamo.Portal.Bench;
using Jakamo.Portal.Tests.Chaos;
using Jakamo.Portal.Tests.Infrastructure;
using Npgsql;
using Xunit.Abstractions;

namespace Jakamo.Portal.Tests.Cluster;

/// <summary>
/// Issue 7, several nodes: two portal processes share one PostgreSQL database (and Hangfire storage) and a Redis SignalR
/// backplane, each with its own Hangfire server name. 3,000 events posted to both (as a load balancer would) go to the
/// crash test's three webhooks on a counting receiver, which tells the nodes apart by the process holding each
/// connection (<see cref="LoopbackPeers"/>), so the portal adds nothing to its requests for the test. Both nodes must
/// deliver, no delivery may be sent twice, and a live-feed client on node 1 must get the attempts node 2 made. Then
/// node 1 is killed with SIGKILL in the middle of a second burst, and node 2 must finish every delivery.
/// Needs the servers that ./test.sh starts; run it alone with <c>dotnet test Portal.Tests --filter Category=Cluster</c>.
/// </summary>
[Trait("Category", "Cluster")]
[Collection(HeavyCollection.Name)]
public sealed class ClusterTests(ITestOutputHelper output, RunnerLog runnerLog) : IClassFixture<RunnerLog>
{
    private const int Events = 3_000;
    private const int KillBurstEvents = 1_000;
    private const int Posters = 4;
    private const int PostingLead = 400;
    private const int Workers = CrashRecoveryTests.Workers;
    private const int BatchSize = CrashRecoveryTests.BatchSize;
    private const string Node1 = "node1";
    private const string Node2 = "node2";

    /// <summary>As in the crash test: a short lease and a recovery pass every 2 s, so the survivor takes over a killed
    /// node's claims within seconds.</summary>
    private static readonly Dictionary<string, string> Settings = CrashRecoveryTests.Settings;

    [Fact]
    public async Task TwoNodes_ShareTheDeliveries_AndTheSurvivorFinishesAfterOneIsKilled()
    {
        var seed = Random.Shared.Next();
        var random = new Random(seed);
        var clock = Stopwatch.StartNew();
        var redis = TestRedis.Server;
        await using var database = await TestPostgres.CreateAsync();
        await using var receiver = await TestReceiver.StartAsync();

        // Both nodes start together on the empty database. Their public address (the acknowledge links in deliveries) is
        // the same, as behind a load balancer; node 1's stands in for it.
        var addresses = new[] { PortalProcess.FreeLoopbackAddress(), PortalProcess.FreeLoopbackAddress() };
        var nodes = await Task.WhenAll(addresses.Select((address, i) => KillablePortal.StartAsync(
            new DatabaseSettings("PostgreSql", database.ConnectionString),
            new Dictionary<string, string>(Settings)
            {
                ["SignalR__Redis"] = redis,
                ["Portal__Jobs__ServerName"] = i == 0 ? Node1 : Node2,
                ["Portal__Delivery__PublicBaseUrl"] = addresses[0].ToString(),
            },
            address)));
        await using var node1 = nodes[0];
        await using var node2 = nodes[1];
        output.WriteLine($"both nodes up at {clock.Elapsed.TotalSeconds:0.0} s (seed {seed})");

        var peers = new LoopbackPeers(new Dictionary<int, string> { [node1.ProcessId] = Node1, [node2.ProcessId] = Node2 });
        var ledger = new ReceptionLedger(addresses[0]);
        var sends = new ConcurrentQueue<(string Node, long DeliveryId)>();
        receiver.Respond = (request, context) =>
        {
            sends.Enqueue((peers.NameOf(context), long.Parse(request.Header("X-Jakamo-Delivery-Id"), CultureInfo.InvariantCulture)));
            context.Response.StatusCode = ledger.Record(request);
            return Task.CompletedTask;
        };
        var integrationId = await EventPosting.SetUpAsync(node1, receiver);
        await using var live = await TransportLogClient.ConnectAsync(node1.BaseAddress, KillablePortal.SupportToken);

        // The normal path: both nodes up, events posted to each in turn.
        var turn = 0;
        HttpClient NextNode()
        {
            var running = nodes.Where(n => n.IsRunning).ToList();
            return running[Interlocked.Increment(ref turn) % running.Count].Platform;
        }

        var first = new EventPosting(NextNode, integrationId, EventPosting.Plan(random, 0, Events));
        await Task.WhenAll(Enumerable.Range(0, Posters).Select(_ => first.RunAsync(() => Task.FromResult(true))));
        var expected = Pairs(first);
        await Poll.QuietlyAsync(() => Task.FromResult(expected.All(ledger.Received.ContainsKey)), TimeSpan.FromSeconds(40));
        output.WriteLine($"first burst delivered at {clock.Elapsed.TotalSeconds:0.0} s");
        var normal = sends.ToList();
        var normalDuplicates = ledger.Requests - ledger.Pairs;
        var byNode2 = normal.Where(s => s.Node == Node2).Select(s => s.DeliveryId).ToHashSet();
        await Poll.QuietlyAsync(() => Task.FromResult(byNode2.IsSubsetOf(LiveDeliveryIds(live))), TimeSpan.FromSeconds(15));
        var crossNode = byNode2.Intersect(LiveDeliveryIds(live)).Count();
        var normalLost = expected.Count(pair => !ledger.Received.ContainsKey(pair));

        // The second burst: node 1 is killed with SIGKILL once about a third of it has been delivered.
        var pairsBefore = ledger.Pairs;
        var second = new EventPosting(NextNode, integrationId, EventPosting.Plan(random, Events, KillBurstEvents));
        var posters = Enumerable.Range(0, Posters).Select(_ => second.RunAsync(
            () => Task.FromResult(second.Acknowledged.Count - ((ledger.Pairs - pairsBefore) / ChaosWebhook.All.Count) < PostingLead)));
        await Task.WhenAll([.. posters, KillAsync(node1, () => ledger.Pairs - pairsBefore, () => sends.Count(s => s.Node == Node1), clock)]);
        expected.UnionWith(Pairs(second));
        await Poll.QuietlyAsync(() => Task.FromResult(expected.All(ledger.Received.ContainsKey)), TimeSpan.FromSeconds(40));
        output.WriteLine($"second burst delivered at {clock.Elapsed.TotalSeconds:0.0} s");

        var all = sends.ToList();
        var (node1Sent, node2Sent) = (all.Count(s => s.Node == Node1), all.Count(s => s.Node == Node2));
        var lost = expected.Count(pair => !ledger.Received.ContainsKey(pair));
        var killDuplicates = ledger.Requests - ledger.Pairs - normalDuplicates;
        var summary = $"CLUSTER node1={node1Sent} node2={node2Sent} duplicates={normalDuplicates} lost={lost} crossnode_live={crossNode}/{byNode2.Count}";
        runnerLog.WriteLine(summary);
        output.WriteLine($"{killDuplicates} deliveries sent again after the kill; done in {clock.Elapsed.TotalSeconds:0.0} s");

        var context = $"(seed {seed}; {summary})";
        Assert.True(ledger.Unexpected.IsEmpty, $"The receiver got {ledger.Unexpected.Count} unexpected requests {context}:\n{string.Join('\n', ledger.Unexpected.Take(20))}");
        Assert.True(all.All(s => s.Node is Node1 or Node2), $"{all.Count(s => s.Node == LoopbackPeers.Unknown)} requests came from neither node {context}");
        Assert.Equal(Events + KillBurstEvents, first.Acknowledged.Count + second.Acknowledged.Count);
        Assert.True(normal.Any(s => s.Node == Node1) && byNode2.Count > 0, $"Both nodes must deliver on the normal path {context}");
        Assert.True(normalLost == 0, $"{normalLost} pairs of the first burst never arrived {context}");
        Assert.True(normalDuplicates == 0, $"{normalDuplicates} deliveries were sent twice with both nodes up {context}");
        Assert.True(crossNode == byNode2.Count, $"The live feed on node 1 got {crossNode} of the {byNode2.Count} attempts node 2 made {context}");
        Assert.True(lost == 0, $"{lost} (event, webhook) pairs never reached the receiver after node 1 was killed {context}\n{(lost == 0 ? "" : await UnfinishedAsync(database))}");
        Assert.True(ledger.Received.Keys.All(expected.Contains), $"The receiver got pairs of events nobody posted {context}");

        // As in the crash test: the kill can leave at most Workers × BatchSize sent-but-uncommitted deliveries of node 1.
        Assert.True(killDuplicates <= Workers * BatchSize, $"{killDuplicates} deliveries sent again after the kill, more than {Workers} workers × a batch of {BatchSize} {context}");
    }

    /// <summary>Kills node 1 once a third of the second burst's pairs has arrived, right after it sent a request: so it
    /// dies in the middle of a job, holding claims that node 2 must take over once their lease ends.</summary>
    private async Task KillAsync(KillablePortal node1, Func<int> delivered, Func<int> sentByNode1, Stopwatch clock)
    {
        var at = KillBurstEvents * ChaosWebhook.All.Count / 3;
        await Poll.UntilAsync(() => Task.FromResult(delivered() >= at), TimeSpan.FromSeconds(60), $"{at} deliveries of the second burst before the kill");
        var sent = sentByNode1();
        await Poll.UntilAsync(() => Task.FromResult(sentByNode1() > sent), TimeSpan.FromSeconds(30), "node 1 sending in the second burst");
        await node1.KillAsync();
        output.WriteLine($"node 1 killed at {clock.Elapsed.TotalSeconds:0.0} s, {delivered()} pairs of the second burst received");
    }

    /// <summary>For a failure message: the deliveries not succeeded, by status, and Hangfire's jobs by state and its locks.</summary>
    private static async Task<string> UnfinishedAsync(TestPostgres database)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        var lines = new List<string>();
        foreach (var sql in new[]
        {
            """SELECT 'deliveries ' || "Status" || ': ' || count(*) || ', lease until ' || coalesce(max("LeaseUntil")::text, '-') || ', next attempt ' || coalesce(min("NextAttemptAt")::text, '-') FROM "Deliveries" WHERE "Status" <> 'Succeeded' GROUP BY "Status" """,
            "SELECT 'jobs ' || coalesce(statename, '-') || ': ' || count(*) FROM hangfire.job GROUP BY statename",
            "SELECT 'lock ' || resource || ' since ' || coalesce(acquired::text, '-') FROM hangfire.lock",
            "SELECT 'now ' || now()::text",
        })
        {
            await using var command = new NpgsqlCommand(sql, connection);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                lines.Add(reader.GetString(0));
            }
        }

        return string.Join('\n', lines);
    }

    private static HashSet<(long EventId, int Webhook)> Pairs(EventPosting posting) =>
        [.. posting.Acknowledged.Values.SelectMany(id => ChaosWebhook.All.Select(w => (id, w.Number)))];

    private static HashSet<long> LiveDeliveryIds(TransportLogClient live) =>
        [.. live.Attempts.Select(a => a.GetProperty("deliveryId").GetInt64())];
}
