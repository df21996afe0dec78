using System.Diagnostics;
using Jakamo.Portal.Bench;

if (args.Contains("--receiver"))
{
    return await Receiver.RunAsync();
}

// --skip-log-viewer: for iterating on the delivery path; the log-viewer figures then come from the data already there.
var sizes = args.Contains("--quick") ? BenchSizes.Smoke
    : args.Contains("--skip-log-viewer") ? BenchSizes.Full with { Mode = "partial", LogViewerAttempts = 0 }
    : BenchSizes.Full;
var repositoryRoot = PortalProcess.RepositoryRoot();
var workDirectory = Directory.CreateTempSubdirectory("jakamo-bench-").FullName;
using var cancel = new CancellationTokenSource(sizes.Quick ? TimeSpan.FromMinutes(5) : TimeSpan.FromMinutes(30));
var ct = cancel.Token;
var clock = Stopwatch.StartNew();

void Step(string text) => Console.WriteLine($"[{clock.Elapsed:mm\\:ss}] {text}");

try
{
    Step($"Jakamo Portal benchmark ({sizes.Mode}), working in {workDirectory}");
    using var receiver = await Receiver.Client.StartAsync();
    Step($"receiver on {receiver.Address}");

    // The limit: warm up, then measure, each against its own SQLite file.
    await Baseline.RunAsync(receiver.Address, Path.Combine(workDirectory, "baseline-warmup.db"), Payloads.Create(500, "WARM"), DeliveryConcurrency(), ct);
    var baseline = await Baseline.RunAsync(receiver.Address, Path.Combine(workDirectory, "baseline.db"), Payloads.Create(sizes.BaselineExchanges, "BL"), DeliveryConcurrency(), ct);
    Step($"baseline: {baseline.PerSecond:N0} logged exchanges/s");

    var database = Path.Combine(workDirectory, "portal.db");
    ThroughputResult throughput;
    var latencies = new List<LatencyResult>();
    await using (var portal = await PortalUnderTest.StartAsync(repositoryRoot, database))
    {
        await portal.SetUpAsync(receiver.Address, ct);
        Step($"portal on {portal.BaseAddress} with {PortalUnderTest.Webhooks} webhooks");

        // Warm up both paths (batches and single events) first, so the measured runs see compiled code, not the JIT.
        foreach (var chunk in Payloads.Create(sizes.WarmUpEvents, "WARM").Chunk(100))
        {
            await portal.PublishBatchAsync(chunk, "WARM", ct);
        }

        var delivered = (long)sizes.WarmUpEvents * PortalUnderTest.Webhooks;
        await Waiting.UntilAsync(() => Task.FromResult(portal.Committed.Count >= delivered), TimeSpan.FromMinutes(2), ct);
        var warmSingles = await Latency.RunAsync(portal, 500, sizes.LatencyDuration / 4, delivered, ct);
        delivered += warmSingles.Expected;
        Step($"warmed up with {delivered:N0} deliveries");

        throughput = await Throughput.RunAsync(portal, receiver, sizes.ThroughputEvents, delivered, ct);
        delivered += throughput.Deliveries;
        Step($"throughput: {throughput.PerSecond:N0} deliveries/s, peak RSS {throughput.PeakRssMb:N0} MB");

        foreach (var rate in new[] { 200, 1_000 })
        {
            var latency = await Latency.RunAsync(portal, rate, sizes.LatencyDuration, delivered, ct);
            delivered += latency.Expected;
            latencies.Add(latency);
            Step($"latency at {rate}/s: p50 {latency.P50:N0} ms, p99 {latency.P99:N0} ms ({latency.Samples:N0} of {latency.Expected:N0} samples)");
        }

        var errors = await Counts.CheckAsync(portal, receiver, delivered, ct);
        throughput.CountErrors.AddRange(errors.Select(e => $"after the latency runs, {e}"));
        await portal.StopAsync();
    }

    Step($"seeding the transport log to {sizes.LogViewerAttempts:N0} attempts");
    var logViewer = await LogViewer.RunAsync(database, sizes.LogViewerAttempts, ct);
    Step($"log viewer: first page {logViewer.FirstPageMs:N1} ms (seeded in {logViewer.SeedTime.TotalSeconds:N0} s)");

    var report = new Report(sizes, baseline, throughput, latencies, logViewer, clock.Elapsed);
    report.Print();
    report.Save(repositoryRoot);
    var problems = report.Problems();
    foreach (var problem in problems)
    {
        Console.Error.WriteLine($"COUNT MISMATCH: {problem}");
    }

    Console.WriteLine(report.ResultLine());
    return problems.Count == 0 ? 0 : 1;
}
catch (Exception ex) when (ex is InvalidOperationException or HttpRequestException or OperationCanceledException)
{
    Console.Error.WriteLine($"The benchmark failed: {ex.Message}");
    return 2;
}
finally
{
    try
    {
        Directory.Delete(workDirectory, recursive: true);
    }
    catch (IOException)
    {
        Console.Error.WriteLine($"Could not remove {workDirectory}.");
    }
}

// The portal's configured delivery concurrency (appsettings.json, Portal:Delivery:Concurrency), so both sides send alike.
static int DeliveryConcurrency() => new Jakamo.Portal.Core.Deliveries.DeliveryOptions().Concurrency;
