using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Jakamo.Portal.Realtime;
using Jakamo.Portal.Security;
using Jakamo.Portal.Tests.Api;
using Jakamo.Portal.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;

namespace Jakamo.Portal.Tests.Load;

/// <summary>
/// A burst of events from many platform connections while live transport-log subscribers watch: the real app on Kestrel,
/// a real receiver, real HTTP clients and real SignalR clients. Every event must be accepted, and every subscriber must
/// receive each committed attempt it may see exactly once.
/// </summary>
[Trait("Category", "Load")]
[Collection(HeavyCollection.Name)]
public sealed class EventBurstLoadTests(DeliveryAppFixture fixture, RunnerLog runnerLog, ITestOutputHelper output)
    : IClassFixture<DeliveryAppFixture>, IClassFixture<RunnerLog>
{
    private const int Clients = 50;
    private const int Events = 2_000;
    private const int Companies = 3;

    private static readonly TimeSpan CommitWait = TimeSpan.FromSeconds(40);

    /// <summary>Once every attempt is committed, what is still on its way to subscribers arrives within a moment.</summary>
    private static readonly TimeSpan LiveWait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task BurstFrom50Clients_IsAllAccepted_AndEachLiveSubscriberGetsEveryAttemptItMaySee_Once()
    {
        // The production limit, not a loosened one: the burst fits in one key's bucket, so no node is fast enough to be refused.
        Assert.InRange(Events, 1, fixture.App.Services.GetRequiredService<IOptions<RateLimitOptions>>().Value.EventsBurst);

        var tenants = new List<ApiTenant>();
        for (var i = 0; i < Companies; i++)
        {
            tenants.Add((await fixture.NewTenantWithWebhookAsync()).Tenant);
        }

        // Support following everyone and support narrowed to one company, and each company's admin: every way into a group.
        var (a, b, c) = (tenants[0], tenants[1], tenants[2]);
        var errors = new ConcurrentQueue<string>();
        await using var subscribers = new Subscribers(
        [
            await LiveSubscriber.SupportAsync(fixture.App, "support, all companies", null, errors),
            await LiveSubscriber.SupportAsync(fixture.App, "support, company B", b.CompanyId, errors),
            await LiveSubscriber.AdminAsync(fixture.App, "admin A", a, errors),
            await LiveSubscriber.AdminAsync(fixture.App, "admin B", b, errors),
            await LiveSubscriber.AdminAsync(fixture.App, "admin C", c, errors),
        ]);

        var wall = Stopwatch.StartNew();
        var acceptMs = await PostBurstAsync(tenants, errors);
        var companyIds = tenants.Select(t => t.CompanyId).ToList();
        await Poll.UntilAsync(async () => await CommittedAttemptsAsync(companyIds) >= Events, CommitWait, $"{Events} attempts committed");
        var committed = await CommittedAttemptIdsAsync(companyIds);
        var allArrived = await subscribers.WaitForAllAsync(committed, LiveWait);
        var report = subscribers.Compare(committed);

        var line = string.Create(CultureInfo.InvariantCulture,
            $"LOAD clients={Clients} events={Events} errors={errors.Count} accept_p50_ms={Percentile(acceptMs, 0.50):0.0} accept_p99_ms={Percentile(acceptMs, 0.99):0.0} live_lost={report.Lost}");
        output.WriteLine(line);
        runnerLog.WriteLine(line);
        output.WriteLine($"{committed.Count} attempts committed and published in {wall.Elapsed.TotalSeconds:0.0} s; {report.Detail}");

        Assert.True(errors.IsEmpty, $"{errors.Count} errors, first: {string.Join(" | ", errors.Take(5))}");
        Assert.Equal(Events, committed.Count);
        Assert.True(allArrived && report.Lost == 0 && report.Duplicates == 0 && report.Foreign == 0, report.Detail);
        Assert.DoesNotContain(fixture.App.LogLines, l => l.StartsWith("Error", StringComparison.Ordinal) || l.Contains("queue is full", StringComparison.Ordinal));
    }

    /// <summary>Each client has its own connection and posts its share of the events one by one; returns the time from
    /// each send to its answer.</summary>
    private async Task<List<double>> PostBurstAsync(IReadOnlyList<ApiTenant> tenants, ConcurrentQueue<string> errors)
    {
        var latencies = new ConcurrentBag<double>();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var clients = Enumerable.Range(0, Clients).Select(client => Task.Run(async () =>
        {
            using var http = fixture.PlatformClient();
            await start.Task;
            for (var n = client; n < Events; n += Clients)
            {
                var tenant = tenants[n % tenants.Count];
                var body = new { type = "so.created", integrationId = tenant.IntegrationId, contentType = "application/json", payload = $"{{\"n\":{n}}}", reference = $"LOAD-{n}" };
                var sent = Stopwatch.GetTimestamp();
                try
                {
                    using var response = await http.PostAsJsonAsync(new Uri("api/events", UriKind.Relative), body);
                    latencies.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
                    if (response.StatusCode != HttpStatusCode.Accepted)
                    {
                        errors.Enqueue($"event {n}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    errors.Enqueue($"event {n}: {ex.GetType().Name} {ex.Message}");
                }
            }
        })).ToList();
        start.SetResult();
        await Task.WhenAll(clients);
        return [.. latencies.Order()];
    }

    private async Task<int> CommittedAttemptsAsync(List<int> companyIds)
    {
        await using var db = await fixture.App.NewDbAsync();
        return await db.Attempts.CountAsync(x => companyIds.Contains(x.CompanyId));
    }

    private async Task<List<(long Id, int CompanyId)>> CommittedAttemptIdsAsync(List<int> companyIds)
    {
        await using var db = await fixture.App.NewDbAsync();
        var rows = await db.Attempts.Where(x => companyIds.Contains(x.CompanyId)).Select(x => new { x.Id, x.CompanyId }).ToListAsync();
        return [.. rows.Select(r => (r.Id, r.CompanyId))];
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    private sealed record Comparison(int Lost, int Duplicates, int Foreign, string Detail);

    /// <summary>The part of a live attempt the test reads.</summary>
    private sealed record LiveMessage(long AttemptId);

    /// <summary>A real SignalR client of the transport-log hub that counts each attempt id it receives.</summary>
    private sealed class LiveSubscriber : IAsyncDisposable
    {
        private readonly HubConnection _connection;
        private volatile bool _disposing;

        private LiveSubscriber(string name, HubConnection connection, int? companyId)
        {
            Name = name;
            CompanyId = companyId;
            _connection = connection;
        }

        public string Name { get; }

        /// <summary>The company it follows; null for all.</summary>
        public int? CompanyId { get; }

        public ConcurrentDictionary<long, int> Received { get; } = new();

        /// <summary>Support, following every company, or only <paramref name="narrowTo"/> after asking the hub for it.</summary>
        public static async Task<LiveSubscriber> SupportAsync(PortalAppFactory app, string name, int? narrowTo, ConcurrentQueue<string> errors)
        {
            var subscriber = await ConnectAsync(app, name, PortalAppFactory.SupportToken, narrowTo, errors);
            if (narrowTo is { } companyId)
            {
                await subscriber._connection.InvokeAsync(nameof(TransportLogHub.SubscribeToCompany), companyId);
            }

            return subscriber;
        }

        /// <summary>A company admin, who the hub puts in its own company's group.</summary>
        public static Task<LiveSubscriber> AdminAsync(PortalAppFactory app, string name, ApiTenant tenant, ConcurrentQueue<string> errors) =>
            ConnectAsync(app, name, tenant.AdminToken, tenant.CompanyId, errors);

        private static async Task<LiveSubscriber> ConnectAsync(PortalAppFactory app, string name, string token, int? companyId, ConcurrentQueue<string> errors)
        {
            var connection = new HubConnectionBuilder()
                .WithUrl(new Uri(app.BaseAddress, TransportLogHub.Path.TrimStart('/')), o => o.AccessTokenProvider = () => Task.FromResult<string?>(token))
                .Build();
            var subscriber = new LiveSubscriber(name, connection, companyId);
            connection.On<List<LiveMessage>>(nameof(ITransportLogClient.AttemptsCommitted), attempts =>
            {
                foreach (var attempt in attempts)
                {
                    subscriber.Received.AddOrUpdate(attempt.AttemptId, 1, (_, n) => n + 1);
                }
            });
            connection.Closed += error =>
            {
                if (!subscriber._disposing)
                {
                    errors.Enqueue($"{name}: hub connection closed ({error?.Message ?? "no error"})");
                }

                return Task.CompletedTask;
            };
            await connection.StartAsync();
            return subscriber;
        }

        public HashSet<long> Expected(IEnumerable<(long Id, int CompanyId)> committed) =>
            [.. committed.Where(x => CompanyId is null || x.CompanyId == CompanyId).Select(x => x.Id)];

        public async ValueTask DisposeAsync()
        {
            _disposing = true;
            await _connection.DisposeAsync();
        }
    }

    private sealed class Subscribers(IReadOnlyList<LiveSubscriber> all) : IAsyncDisposable
    {
        /// <summary>Waits until each subscriber holds every attempt it may see; false when some are still missing.</summary>
        public async Task<bool> WaitForAllAsync(List<(long Id, int CompanyId)> committed, TimeSpan timeout)
        {
            var expected = all.Select(s => (Subscriber: s, Ids: s.Expected(committed))).ToList();
            try
            {
                await Poll.UntilAsync(() => Task.FromResult(expected.All(e => e.Ids.All(e.Subscriber.Received.ContainsKey))), timeout, "every live message");
                return true;
            }
            catch (TimeoutException)
            {
                return false;
            }
        }

        public Comparison Compare(List<(long Id, int CompanyId)> committed)
        {
            var rows = all.Select(s =>
            {
                var expected = s.Expected(committed);
                var lost = expected.Count(id => !s.Received.ContainsKey(id));
                var duplicates = s.Received.Values.Sum(n => n - 1);
                var foreign = s.Received.Keys.Count(id => !expected.Contains(id));
                return (s.Name, Expected: expected.Count, Lost: lost, Duplicates: duplicates, Foreign: foreign);
            }).ToList();
            var detail = string.Join("; ", rows.Select(r => $"{r.Name}: expected {r.Expected}, lost {r.Lost}, duplicates {r.Duplicates}, not its own {r.Foreign}"));
            return new Comparison(rows.Sum(r => r.Lost), rows.Sum(r => r.Duplicates), rows.Sum(r => r.Foreign), detail);
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var subscriber in all)
            {
                await subscriber.DisposeAsync();
            }
        }
    }
}
