using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace Jakamo.Portal.Bench;

/// <summary>
/// The limit: a bare HttpClient posting to the receiver at the portal's delivery concurrency, each exchange logged to
/// SQLite as one attempt-shaped row by a single writer that commits up to 100 rows per transaction (WAL,
/// synchronous=NORMAL). A sender moves on only after its row is committed.
/// </summary>
internal static class Baseline
{
    private const int GroupSize = 100;

    public static async Task<BaselineResult> RunAsync(Uri receiver, string databasePath, IReadOnlyList<string> payloads, int concurrency, CancellationToken ct)
    {
        await using var connection = new SqliteConnection($"Data Source={databasePath};Pooling=false");
        await connection.OpenAsync(ct);
        await ExecuteAsync(connection, """
            PRAGMA journal_mode=WAL;
            PRAGMA synchronous=NORMAL;
            CREATE TABLE Attempts (
                Id INTEGER PRIMARY KEY AUTOINCREMENT, DeliveryId INTEGER NOT NULL, StartedAt TEXT NOT NULL, DurationMs INTEGER NOT NULL,
                RequestMethod TEXT NOT NULL, RequestUrl TEXT NOT NULL, RequestHeaders TEXT, RequestBody TEXT,
                ResponseStatus INTEGER, ResponseHeaders TEXT, ResponseBody TEXT);
            """, ct);

        var rows = Channel.CreateBounded<PendingRow>(new BoundedChannelOptions(concurrency * 2) { SingleReader = true });
        var writer = Task.Run(() => WriteAsync(connection, rows.Reader, ct), ct);

        using var client = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) });
        var url = new Uri(receiver, "hooks/baseline");
        var next = -1;
        var stopwatch = Stopwatch.StartNew();
        var senders = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            int index;
            while ((index = Interlocked.Increment(ref next)) < payloads.Count)
            {
                var row = await SendAsync(client, url, index, payloads[index], ct);
                await rows.Writer.WriteAsync(row, ct);
                await row.Committed.Task;
            }
        }, ct)).ToList();

        await Task.WhenAll(senders);
        var elapsed = stopwatch.Elapsed;
        rows.Writer.Complete();
        await writer;

        await using var count = connection.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM Attempts";
        var stored = Convert.ToInt32(await count.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
        return new BaselineResult(payloads.Count, stored, elapsed);
    }

    private static async Task<PendingRow> SendAsync(HttpClient client, Uri url, int index, string payload, CancellationToken ct)
    {
        var started = DateTime.UtcNow;
        var stopwatch = Stopwatch.StartNew();
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(payload, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Jakamo-Event", "so.created");
        request.Headers.Add("X-Bench-Exchange", index.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", "amFrYW1vOmJlbmNoLWJhc2ljLXBhc3N3b3Jk");
        using var response = await client.SendAsync(request, ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        return new PendingRow(
            index,
            started,
            (int)stopwatch.ElapsedMilliseconds,
            url.ToString(),
            Headers(request.Headers.Concat(request.Content.Headers)),
            payload,
            (int)response.StatusCode,
            Headers(response.Headers.Concat(response.Content.Headers)),
            body);
    }

    private static string Headers(IEnumerable<KeyValuePair<string, IEnumerable<string>>> headers) =>
        JsonSerializer.Serialize(headers.Select(h => new { name = h.Key, value = h.Key == "Authorization" ? "Basic ••••••" : string.Join(", ", h.Value) }));

    private static async Task WriteAsync(SqliteConnection connection, ChannelReader<PendingRow> rows, CancellationToken ct)
    {
        await using var insert = connection.CreateCommand();
        insert.CommandText = """
            INSERT INTO Attempts (DeliveryId, StartedAt, DurationMs, RequestMethod, RequestUrl, RequestHeaders, RequestBody, ResponseStatus, ResponseHeaders, ResponseBody)
            VALUES ($delivery, $started, $duration, 'POST', $url, $requestHeaders, $requestBody, $status, $responseHeaders, $responseBody)
            """;
        var parameters = new[] { "$delivery", "$started", "$duration", "$url", "$requestHeaders", "$requestBody", "$status", "$responseHeaders", "$responseBody" }
            .Select(name => insert.Parameters.Add(new SqliteParameter { ParameterName = name })).ToArray();
        var group = new List<PendingRow>(GroupSize);
        while (await rows.WaitToReadAsync(ct))
        {
            while (group.Count < GroupSize && rows.TryRead(out var row))
            {
                group.Add(row);
            }

            await using var transaction = connection.BeginTransaction();
            insert.Transaction = transaction;
            foreach (var row in group)
            {
                object?[] values = [row.DeliveryId, row.StartedAt, row.DurationMs, row.Url, row.RequestHeaders, row.RequestBody, row.Status, row.ResponseHeaders, row.ResponseBody];
                for (var i = 0; i < values.Length; i++)
                {
                    parameters[i].Value = values[i] ?? DBNull.Value;
                }

                await insert.ExecuteNonQueryAsync(ct);
            }

            await transaction.CommitAsync(ct);
            foreach (var row in group)
            {
                row.Committed.TrySetResult();
            }

            group.Clear();
        }
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(ct);
    }

    private sealed record PendingRow(
        int DeliveryId, DateTime StartedAt, int DurationMs, string Url, string RequestHeaders, string RequestBody, int Status, string ResponseHeaders, string ResponseBody)
    {
        public TaskCompletionSource Committed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

internal sealed record BaselineResult(int Sent, int Stored, TimeSpan Elapsed)
{
    public double PerSecond => Stored / Elapsed.TotalSeconds;
}
