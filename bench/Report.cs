using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Jakamo.Portal.Bench;

/// <summary>The run's figures: a markdown table on the console, a JSON file under bench/results, and the RESULT line.</summary>
internal sealed class Report(
    BenchSizes sizes, BaselineResult baseline, ThroughputResult throughput, List<LatencyResult> latencies, LogViewerResult logViewer, TimeSpan duration)
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public double Ratio => throughput.PerSecond / baseline.PerSecond;

    private LatencyResult At200 => latencies.First(l => l.OfferedPerSecond == 200);

    public List<string> Problems()
    {
        var problems = new List<string>(throughput.CountErrors);
        problems.AddRange(logViewer.CountErrors);
        if (baseline.Stored != baseline.Sent)
        {
            problems.Add($"baseline: {baseline.Stored:N0} of {baseline.Sent:N0} exchanges stored");
        }

        problems.AddRange(latencies.Where(l => l.Samples != l.Expected)
            .Select(l => $"latency at {l.OfferedPerSecond}/s: {l.Samples:N0} of {l.Expected:N0} attempts reported committed"));
        return problems;
    }

    public string ResultLine() => string.Create(Invariant,
        $"RESULT deliveries_per_s={throughput.PerSecond:0} baseline_per_s={baseline.PerSecond:0} ratio={Ratio:0.00} p99_ms_at_200={At200.P99:0} view_first_ms={logViewer.FirstPageMs:0.0} peak_rss_mb={throughput.PeakRssMb:0}");

    public void Print() => Console.WriteLine(Markdown());

    public string Markdown()
    {
        var table = new StringBuilder();
        table.AppendLine(Invariant, $"Run: {sizes.Mode}, {Environment.ProcessorCount} cores, {MemoryGb():0} GB, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}, commit {Commit()}, {duration.TotalSeconds:0} s");
        table.AppendLine();
        table.AppendLine("| scenario | figure | value |");
        table.AppendLine("|---|---|---|");
        Row(table, "baseline", $"raw HttpClient + SQLite group commit, {baseline.Stored:N0} exchanges", $"{baseline.PerSecond:N0} /s");
        Row(table, "throughput", $"{throughput.Deliveries:N0} deliveries ({throughput.Deliveries / PortalUnderTest.Webhooks:N0} events × {PortalUnderTest.Webhooks} webhooks)", $"{throughput.PerSecond:N0} /s in {throughput.Elapsed.TotalSeconds:N1} s");
        Row(table, "throughput", "ratio to baseline", $"{Ratio:0.00}");
        foreach (var l in latencies)
        {
            Row(table, $"latency at {l.OfferedPerSecond:N0}/s", $"event posted → attempt committed, {l.Samples:N0} deliveries (achieved {l.AchievedPerSecond:N0}/s)",
                $"p50 {l.P50:N0} ms · p95 {l.P95:N0} ms · p99 {l.P99:N0} ms · max {l.Max:N0} ms");
        }

        foreach (var q in logViewer.Queries)
        {
            Row(table, $"log viewer ({logViewer.Attempts:N0} attempts)", q.Name, $"{q.MedianMs:N1} ms (first run {q.FirstMs:N1} ms)");
        }

        Row(table, "memory", "portal peak RSS during throughput", $"{throughput.PeakRssMb:N0} MB");
        return table.ToString();
    }

    public void Save(string repositoryRoot)
    {
        var directory = Path.Combine(repositoryRoot, "bench", "results");
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, $"{DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", Invariant)}-{sizes.Mode}.json");
        var document = new
        {
            machine = new { cores = Environment.ProcessorCount, memoryGb = Math.Round(MemoryGb(), 1), os = RuntimeInformation.OSDescription, dotnet = RuntimeInformation.FrameworkDescription },
            commit = Commit(),
            mode = sizes.Mode,
            startedUtc = DateTime.UtcNow - duration,
            durationSeconds = Math.Round(duration.TotalSeconds, 1),
            baseline = new { exchanges = baseline.Stored, perSecond = Math.Round(baseline.PerSecond) },
            throughput = new
            {
                deliveries = throughput.Deliveries,
                seconds = Math.Round(throughput.Elapsed.TotalSeconds, 2),
                perSecond = Math.Round(throughput.PerSecond),
                ratio = Math.Round(Ratio, 3),
                timedByLiveFeed = throughput.TimedByHub,
                peakRssMb = Math.Round(throughput.PeakRssMb),
            },
            latency = latencies.Select(l => new { offeredPerSecond = l.OfferedPerSecond, achievedPerSecond = Math.Round(l.AchievedPerSecond), samples = l.Samples, p50Ms = Math.Round(l.P50, 1), p95Ms = Math.Round(l.P95, 1), p99Ms = Math.Round(l.P99, 1), maxMs = Math.Round(l.Max, 1) }),
            logViewer = new
            {
                attempts = logViewer.Attempts,
                seedSeconds = Math.Round(logViewer.SeedTime.TotalSeconds, 1),
                queries = logViewer.Queries.Select(q => new { name = q.Name, medianMs = Math.Round(q.MedianMs, 2), firstRunMs = Math.Round(q.FirstMs, 2), rows = q.Rows }),
            },
            problems = Problems(),
            result = ResultLine(),
        };
        File.WriteAllText(path, JsonSerializer.Serialize(document, new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n");
        Console.WriteLine($"Saved {Path.GetRelativePath(repositoryRoot, path)}");
    }

    private static void Row(StringBuilder table, string scenario, string figure, string value) =>
        table.AppendLine(Invariant, $"| {scenario} | {figure} | {value} |");

    private static double MemoryGb()
    {
        var line = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
        return long.Parse(line["MemTotal:".Length..].Trim().Split(' ')[0], Invariant) / 1024.0 / 1024.0;
    }

    private static string Commit()
    {
        try
        {
            using var git = Process.Start(new ProcessStartInfo("git", ["rev-parse", "--short=12", "HEAD"]) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = PortalProcess.RepositoryRoot() })!;
            var commit = git.StandardOutput.ReadToEnd().Trim();
            git.WaitForExit();
            using var status = Process.Start(new ProcessStartInfo("git", ["status", "--porcelain", "--untracked-files=no"]) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = PortalProcess.RepositoryRoot() })!;
            var dirty = status.StandardOutput.ReadToEnd().Trim().Length > 0;
            status.WaitForExit();
            return git.ExitCode == 0 ? commit + (dirty ? "+changes" : "") : "unknown";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "unknown";
        }
    }
}
