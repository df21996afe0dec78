using System.Diagnostics;
using System.Globalization;
using Jakamo.Portal.Core;
using Jakamo.Portal.Core.Deliveries;
using Jakamo.Portal.Core.Monitoring;
using Jakamo.Portal.Core.Security;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Jakamo.Portal.Bench;

internal sealed record QueryTiming(string Name, double FirstMs, double MedianMs, long Rows);

internal sealed record LogViewerResult(long Attempts, TimeSpan SeedTime, List<QueryTiming> Queries, List<string> CountErrors)
{
    public double FirstPageMs => Queries[0].MedianMs;
}

/// <summary>
/// Fills the portal's database (after the portal has stopped) up to the given number of attempts, spread over 30 days
/// across the 10 webhooks, then times the very queries the transport-log page and the support dashboard run, through
/// Portal.Core's own services.
/// </summary>
internal static class LogViewer
{
    private const int PageSize = 25;
    private const int Runs = 5;

    public static async Task<LogViewerResult> RunAsync(string databasePath, long attempts, CancellationToken ct)
    {
        var seeding = Stopwatch.StartNew();
        var existing = await PortalDatabase.ScalarAsync(databasePath, "SELECT COUNT(*) FROM Attempts", ct);
        await SeedAsync(databasePath, attempts, ct);
        var seedTime = seeding.Elapsed;

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = "Sqlite",
            ["Database:ConnectionString"] = $"Data Source={databasePath}",
        }).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddPortalCore(configuration, Path.GetDirectoryName(databasePath)!);
        await using var provider = services.BuildServiceProvider();
        var log = provider.GetRequiredService<IAttemptLog>();
        var dashboard = provider.GetRequiredService<DashboardService>();

        var companyId = (int)await PortalDatabase.ScalarAsync(databasePath, "SELECT MIN(CompanyId) FROM Webhooks", ct);
        var webhookId = (int)await PortalDatabase.ScalarAsync(databasePath, "SELECT MIN(Id) + 2 FROM Webhooks", ct);
        var total = await PortalDatabase.ScalarAsync(databasePath, "SELECT COUNT(*) FROM Attempts", ct);
        var middleEvent = await PortalDatabase.ScalarAsync(databasePath, "SELECT Id FROM Events ORDER BY Id LIMIT 1 OFFSET (SELECT COUNT(*) / 2 FROM Events)", ct);
        var admin = new PortalActor("bench-admin", "admin@benchmark.example", IsSupport: false, CompanyId: companyId);
        var deepPage = (int)Math.Max(1, total / PageSize / 2);

        List<QueryTiming> queries =
        [
            await TimeAsync("transport log, first page", async () => (await log.ListAsync(admin, new AttemptFilter(), 1, PageSize, ct)).TotalCount),
            await TimeAsync($"transport log, page {deepPage:N0}", async () => (await log.ListAsync(admin, new AttemptFilter(), deepPage, PageSize, ct)).Items.Count),
            await TimeAsync("filter by event id", async () => (await log.ListAsync(admin, new AttemptFilter { Search = middleEvent.ToString(CultureInfo.InvariantCulture) }, 1, PageSize, ct)).TotalCount),
            await TimeAsync("filter by webhook and outcome", async () =>
                (await log.ListAsync(admin, new AttemptFilter { WebhookId = webhookId, Outcome = AttemptOutcome.Failed }, 1, PageSize, ct)).TotalCount),
            await TimeAsync("support dashboard figures", async () => (await dashboard.GetAsync(PortalActor.System, ct)).Deliveries),
        ];

        var errors = new List<string>();
        if (total != Math.Max(attempts, existing))
        {
            errors.Add($"log viewer: expected {attempts:N0} attempts, found {total:N0}");
        }

        if (queries[0].Rows != total)
        {
            errors.Add($"log viewer: the first page counted {queries[0].Rows:N0} attempts of {total:N0}");
        }

        if (queries[2].Rows != PortalUnderTest.Webhooks)
        {
            errors.Add($"log viewer: event {middleEvent} has {queries[2].Rows} attempts, expected {PortalUnderTest.Webhooks}");
        }

        return new LogViewerResult(total, seedTime, queries, errors);
    }

    private static async Task<QueryTiming> TimeAsync(string name, Func<Task<long>> query)
    {
        var clock = Stopwatch.StartNew();
        var rows = await query();
        var first = clock.Elapsed.TotalMilliseconds;
        var runs = new List<double>(Runs);
        for (var i = 0; i < Runs; i++)
        {
            clock.Restart();
            await query();
            runs.Add(clock.Elapsed.TotalMilliseconds);
        }

        runs.Sort();
        return new QueryTiming(name, first, runs[Runs / 2], rows);
    }

    /// <summary>Adds events (10 deliveries each, one attempt per delivery, about 2 % failed) until the database holds
    /// <paramref name="attempts"/> attempts. Rows look like the portal's own: 1 KB payloads, logged headers and bodies.</summary>
    private static async Task SeedAsync(string databasePath, long attempts, CancellationToken ct)
    {
        await using var connection = new SqliteConnection($"Data Source={databasePath};Pooling=false");
        await connection.OpenAsync(ct);
        var existing = await PortalDatabase.ScalarAsync(connection, "SELECT COUNT(*) FROM Attempts", ct);
        var events = Math.Max(0, (attempts - existing) / PortalUnderTest.Webhooks);
        if (events == 0)
        {
            return;
        }

        var now = DateTime.UtcNow;
        var firstEvent = await PortalDatabase.ScalarAsync(connection, "SELECT COALESCE(MAX(Id), 0) + 1 FROM Events", ct);
        var firstDelivery = await PortalDatabase.ScalarAsync(connection, "SELECT COALESCE(MAX(Id), 0) + 1 FROM Deliveries", ct);
        await using var transaction = connection.BeginTransaction();
        await ExecuteAsync(connection, transaction, """
            WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < $events)
            INSERT INTO Events (CompanyId, IntegrationId, Type, ContentType, Payload, ExternalId, Reference, CreatedAt)
            SELECT i.CompanyId, i.Id, 'so.created', 'application/json', $payload, NULL, 'SEED-' || n.i,
                   strftime('%Y-%m-%d %H:%M:%f', $start, '+' || CAST(n.i * $step AS TEXT) || ' seconds')
            FROM n, (SELECT Id, CompanyId FROM Integrations ORDER BY Id LIMIT 1) AS i
            """, ct, ("$events", events), ("$payload", Payloads.One("SEED")), ("$start", now.AddDays(-30).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)),
            ("$step", TimeSpan.FromDays(30).TotalSeconds / events));
        await ExecuteAsync(connection, transaction, """
            INSERT INTO Deliveries (EventId, WebhookId, CompanyId, EventType, Status, AttemptCount, AutomaticRetries, CreatedAt,
                                    FirstAttemptAt, LastAttemptAt, LastStatusCode, LastMessage, QueueRemovalEarned)
            SELECT e.Id, w.Id, w.CompanyId, e.Type, CASE WHEN (e.Id + w.Id) % 50 = 0 THEN 'Failed' ELSE 'Succeeded' END, 1, 0, e.CreatedAt,
                   e.CreatedAt, e.CreatedAt, CASE WHEN (e.Id + w.Id) % 50 = 0 THEN 500 ELSE 200 END,
                   CASE WHEN (e.Id + w.Id) % 50 = 0 THEN 'automatic retry is disabled for this webhook; manual resend required' END, 0
            FROM Events e, Webhooks w
            WHERE e.Id >= $firstEvent
            ORDER BY e.Id, w.Id
            """, ct, ("$firstEvent", firstEvent));
        await ExecuteAsync(connection, transaction, """
            INSERT INTO Attempts (DeliveryId, CompanyId, WebhookId, EventId, EventType, Number, Trigger, StartedAt, DurationMs, Outcome,
                                  RequestMethod, RequestUrl, RequestHeaders, RequestBody, ResponseStatus, ResponseHeaders, ResponseBody,
                                  ResponseBodySize, ResponseBodyTruncated, Messages)
            SELECT d.Id, d.CompanyId, d.WebhookId, d.EventId, d.EventType, 1, 'First', d.CreatedAt, 3 + d.Id % 40, d.Status,
                   'POST', w.PayloadUrl, $requestHeaders, e.Payload, d.LastStatusCode, $responseHeaders, '{"received":true}', 17, 0,
                   COALESCE(d.LastMessage, '')
            FROM Deliveries d JOIN Events e ON e.Id = d.EventId JOIN Webhooks w ON w.Id = d.WebhookId
            WHERE d.Id >= $firstDelivery
            ORDER BY d.Id
            """, ct, ("$firstDelivery", firstDelivery),
            ("$requestHeaders", """[{"name":"X-Jakamo-Event","value":"so.created"},{"name":"Authorization","value":"Basic ••••••"},{"name":"Content-Type","value":"application/json; charset=utf-8"}]"""),
            ("$responseHeaders", """[{"name":"Date","value":"Thu, 03 Dec 2026 12:00:00 GMT"},{"name":"Server","value":"Kestrel"},{"name":"Content-Type","value":"application/json"}]"""));
        await transaction.CommitAsync(ct);
        // No ANALYZE here: the portal keeps its own planner statistics (PRAGMA optimize when it opens the database).
        await ExecuteAsync(connection, null, "PRAGMA wal_checkpoint(TRUNCATE);", ct);
    }

    private static async Task ExecuteAsync(SqliteConnection connection, SqliteTransaction? transaction, string sql, CancellationToken ct, params (string Name, object Value)[] parameters)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.CommandTimeout = 0;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await command.ExecuteNonQueryAsync(ct);
    }
}
