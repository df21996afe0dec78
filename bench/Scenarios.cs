using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;

namespace Jakamo.Portal.Bench;

/// <summary>The sizes of one run: the full benchmark, or the quick smoke run CI makes.</summary>
/// <param name="Mode">"full", "quick", or "partial" (full sizes without the log-viewer seeding).</param>
internal sealed record BenchSizes(string Mode, int ThroughputEvents, int WarmUpEvents, int BaselineExchanges, TimeSpan LatencyDuration, int LogViewerAttempts)
{
    public static BenchSizes Full { get; } = new("full", 2_000, 1_000, 20_000, TimeSpan.FromSeconds(20), 1_000_000);

    public static BenchSizes Smoke { get; } = new("quick", 300, 200, 3_000, TimeSpan.FromSeconds(3), 50_000);

    public bool Quick => Mode == "quick";
}

/// <summary>1 KB JSON sales orders, each with its own order number.</summary>
internal static class Payloads
{
    public static List<string> Create(int count, string prefix) =>
        [.. Enumerable.Range(0, count).Select(i => One($"{prefix}-{i.ToString(CultureInfo.InvariantCulture)}"))];

    public static string One(string orderNumber)
    {
        var json = new StringBuilder(1100);
        json.Append(CultureInfo.InvariantCulture, $"{{\"orderNumber\":\"{orderNumber}\",\"buyer\":\"Baltic Machinery AS\",\"supplier\":\"Nordic Components Oy\",\"lines\":[");
        for (var line = 1; json.Length < 960; line++)
        {
            json.Append(CultureInfo.InvariantCulture, $"{(line > 1 ? "," : "")}{{\"line\":{line},\"item\":\"NC-{line * 1013}\",\"quantity\":{line * 3},\"unit\":\"pcs\"}}");
        }

        json.Append("],\"note\":\"");
        json.Append('x', Math.Max(0, 1021 - json.Length));
        json.Append("\"}");
        return json.ToString();
    }
}

/// <summary>Reads the portal's SQLite file (read-only, beside the running portal: WAL allows it).</summary>
internal static class PortalDatabase
{
    public static async Task<long> ScalarAsync(string databasePath, string sql, CancellationToken ct)
    {
        await using var connection = new SqliteConnection($"Data Source={databasePath};Mode=ReadOnly;Pooling=false");
        await connection.OpenAsync(ct);
        return await ScalarAsync(connection, sql, ct);
    }

    public static async Task<long> ScalarAsync(SqliteConnection connection, string sql, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
    }
}

internal sealed record ThroughputResult(int Deliveries, TimeSpan Elapsed, bool TimedByHub, double PeakRssMb, List<string> CountErrors)
{
    public double PerSecond => Deliveries / Elapsed.TotalSeconds;
}

internal sealed record LatencyResult(int OfferedPerSecond, double AchievedPerSecond, int Samples, int Expected, double P50, double P95, double P99, double Max);

internal static class Throughput
{
    /// <summary>Posts the events in batches of 100 and times from the first request to the last attempt committed.</summary>
    public static async Task<ThroughputResult> RunAsync(PortalUnderTest portal, Receiver.Client receiver, int events, long deliveriesBefore, CancellationToken ct)
    {
        var expected = events * PortalUnderTest.Webhooks;
        var payloads = Payloads.Create(events, "TP");
        var eventIds = new List<long>(events);
        var started = Stopwatch.GetTimestamp();
        foreach (var chunk in payloads.Chunk(100))
        {
            eventIds.AddRange(await portal.PublishBatchAsync(chunk, $"TP-{eventIds.Count.ToString(CultureInfo.InvariantCulture)}", ct));
        }

        var target = deliveriesBefore + expected;
        var byHub = await Waiting.UntilAsync(() => Task.FromResult(portal.Committed.Count >= target), TimeSpan.FromMinutes(5), ct);
        var ended = byHub
            ? portal.Committed.Values.Max(c => c.Timestamp)
            : Stopwatch.GetTimestamp();
        var memory = portal.Process.Memory();

        var errors = await Counts.CheckAsync(portal, receiver, target, ct);
        if (!byHub)
        {
            errors.Insert(0, $"the live feed reported {portal.Committed.Count:N0} of {target:N0} committed attempts");
        }

        return new ThroughputResult(expected, Stopwatch.GetElapsedTime(started, ended), byHub, memory.PeakMb, errors);
    }
}

internal static class Latency
{
    /// <summary>Offers <paramref name="perSecond"/> deliveries a second (one event a tick, fanning out to every webhook)
    /// for <paramref name="duration"/>, then reports, for each delivery, the time from its event's POST being sent to its
    /// attempt being reported committed. Counting from the send, not from the 202, includes the event's own commit, and
    /// never lets a fast delivery overtake its own answer.</summary>
    public static async Task<LatencyResult> RunAsync(PortalUnderTest portal, int perSecond, TimeSpan duration, long deliveriesBefore, CancellationToken ct)
    {
        var eventsPerSecond = perSecond / (double)PortalUnderTest.Webhooks;
        var total = (int)Math.Round(eventsPerSecond * duration.TotalSeconds);
        var accepted = new System.Collections.Concurrent.ConcurrentDictionary<long, long>();
        var posts = new List<Task>(total);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < total; i++)
        {
            var due = TimeSpan.FromSeconds(i / eventsPerSecond);
            if (due > clock.Elapsed)
            {
                await Task.Delay(due - clock.Elapsed, ct);
            }

            var reference = $"LAT{perSecond.ToString(CultureInfo.InvariantCulture)}-{i.ToString(CultureInfo.InvariantCulture)}";
            posts.Add(Task.Run(async () =>
            {
                var sent = Stopwatch.GetTimestamp();
                var eventId = await portal.PublishAsync(Payloads.One(reference), reference, ct);
                accepted[eventId] = sent;
            }, ct));
        }

        await Task.WhenAll(posts);
        var offeredFor = clock.Elapsed;
        var target = deliveriesBefore + (total * PortalUnderTest.Webhooks);
        await Waiting.UntilAsync(() => Task.FromResult(portal.Committed.Count >= target), TimeSpan.FromMinutes(2), ct);

        var samples = portal.Committed.Values
            .Where(c => accepted.ContainsKey(c.EventId))
            .Select(c => Math.Max(0, Stopwatch.GetElapsedTime(accepted[c.EventId], c.Timestamp).TotalMilliseconds))
            .Order()
            .ToList();
        return new LatencyResult(
            perSecond,
            total * PortalUnderTest.Webhooks / offeredFor.TotalSeconds,
            samples.Count,
            total * PortalUnderTest.Webhooks,
            Percentile(samples, 0.50),
            Percentile(samples, 0.95),
            Percentile(samples, 0.99),
            samples.Count == 0 ? double.NaN : samples[^1]);
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
}

/// <summary>Every count must match: nothing lost, nothing sent twice, every attempt stored and succeeded.</summary>
internal static class Counts
{
    public static async Task<List<string>> CheckAsync(PortalUnderTest portal, Receiver.Client receiver, long expected, CancellationToken ct)
    {
        var errors = new List<string>();
        var db = portal.DatabasePath;
        Expect(errors, "deliveries stored", expected, await PortalDatabase.ScalarAsync(db, "SELECT COUNT(*) FROM Deliveries", ct));
        Expect(errors, "deliveries succeeded", expected, await PortalDatabase.ScalarAsync(db, "SELECT COUNT(*) FROM Deliveries WHERE Status = 'Succeeded'", ct));
        Expect(errors, "attempts stored", expected, await PortalDatabase.ScalarAsync(db, "SELECT COUNT(*) FROM Attempts", ct));
        Expect(errors, "deliveries with an attempt", expected, await PortalDatabase.ScalarAsync(db, "SELECT COUNT(DISTINCT DeliveryId) FROM Attempts", ct));
        var stats = await receiver.StatsAsync(ct);
        Expect(errors, "deliveries received", expected, stats.Deliveries);
        Expect(errors, "deliveries received twice", 0, stats.Duplicates);
        return errors;
    }

    private static void Expect(List<string> errors, string what, long expected, long actual)
    {
        if (expected != actual)
        {
            errors.Add($"{what}: expected {expected:N0}, found {actual:N0}");
        }
    }
}

/// <summary>Polls a condition until it holds or the time is up; never an open-ended wait.</summary>
internal static class Waiting
{
    public static async Task<bool> UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(20, ct);
        }

        return await condition();
    }
}
