using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;

namespace Jakamo.Portal.Bench;

/// <summary>
/// The portal as its own process, run from its Release build output in the Production environment with a fresh SQLite
/// file: exactly the production code path. The benchmark talks to it only over HTTP and SignalR, as support (the
/// bootstrap token) and as the platform (an events API key).
/// </summary>
internal sealed class PortalUnderTest : IAsyncDisposable
{
    public const string SupportToken = "jkp_bench-support-token-4f0c7a1e9b2d";
    public const string PlatformKey = "bench-platform-key-5e21";
    public const int Webhooks = 10;

    private readonly ChildProcess _process;
    private readonly HttpClient _support;
    private readonly HttpClient _platform;
    private readonly ConcurrentDictionary<long, Commit> _committed = new();
    private HubConnection? _hub;

    private PortalUnderTest(ChildProcess process, Uri baseAddress, string databasePath)
    {
        _process = process;
        BaseAddress = baseAddress;
        DatabasePath = databasePath;
        _support = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(2) };
        _support.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", SupportToken);
        _platform = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(2) };
        _platform.DefaultRequestHeaders.Add("X-Api-Key", PlatformKey);
    }

    public Uri BaseAddress { get; }

    public string DatabasePath { get; }

    public int IntegrationId { get; private set; }

    /// <summary>By delivery id: its event, and when its first attempt was reported committed on the live hub.</summary>
    public IReadOnlyDictionary<long, Commit> Committed => _committed;

    public ChildProcess Process => _process;

    public static async Task<PortalUnderTest> StartAsync(string repositoryRoot, string databasePath)
    {
        var output = PortalProcess.BuildOutput(repositoryRoot, "Release");
        var baseAddress = PortalProcess.FreeLoopbackAddress();
        var process = await PortalProcess.StartAsync(output, baseAddress, DatabaseSettings.Sqlite(databasePath), new PortalKeys(SupportToken, PlatformKey));
        return new PortalUnderTest(process, baseAddress, databasePath);
    }

    /// <summary>A company with a sales-order integration, the receiver's host opened, and <see cref="Webhooks"/> webhooks
    /// with Basic authentication pointing at the receiver; then the live feed, connected as support.</summary>
    public async Task SetUpAsync(Uri receiver, CancellationToken ct)
    {
        var company = await SendAsync(_support, "api/companies", new { name = "Benchmark Oy" }, ct);
        var companyId = company.GetProperty("id").GetInt32();
        var integration = await SendAsync(_support, "api/integrations", new { companyId, kind = "SalesOrder", name = "Benchmark SO" }, ct);
        IntegrationId = integration.GetProperty("id").GetInt32();
        await SendAsync(_support, "api/firewall-openings", new { host = receiver.Host, note = "benchmark receiver" }, ct);
        for (var i = 1; i <= Webhooks; i++)
        {
            await SendAsync(_support, "api/webhooks", new
            {
                companyId,
                name = $"ERP {i}",
                payloadUrl = new Uri(receiver, $"hooks/{i}").ToString(),
                authMethod = "Basic",
                basicUserName = "jakamo",
                basicPassword = "bench-basic-password",
                eventSelection = "Selected",
                eventTypes = new[] { "so.created" },
                enabled = true,
            }, ct);
        }

        _hub = new HubConnectionBuilder()
            .WithUrl(new Uri(BaseAddress, "hubs/transport-log"), o => o.AccessTokenProvider = () => Task.FromResult<string?>(SupportToken))
            .Build();
        _hub.On<List<LiveAttemptMessage>>("AttemptsCommitted", attempts =>
        {
            var now = Stopwatch.GetTimestamp();
            foreach (var attempt in attempts)
            {
                _committed.TryAdd(attempt.DeliveryId, new Commit(attempt.EventId, now));
            }
        });
        await _hub.StartAsync(ct);
    }

    /// <summary>Posts events through <c>POST /api/events/batch</c>; returns each event's id.</summary>
    public async Task<IReadOnlyList<long>> PublishBatchAsync(IReadOnlyList<string> payloads, string referencePrefix, CancellationToken ct)
    {
        var events = payloads.Select((payload, i) => new
        {
            type = "so.created",
            integrationId = IntegrationId,
            contentType = "application/json",
            payload,
            reference = $"{referencePrefix}-{i.ToString(CultureInfo.InvariantCulture)}",
        }).ToList();
        var published = await SendAsync(_platform, "api/events/batch", new { events }, ct, HttpStatusCode.Accepted);
        return [.. published.EnumerateArray().Select(e => e.GetProperty("eventId").GetInt64())];
    }

    /// <summary>Posts one event through <c>POST /api/events</c>; returns its id.</summary>
    public async Task<long> PublishAsync(string payload, string reference, CancellationToken ct)
    {
        var published = await SendAsync(_platform, "api/events", new
        {
            type = "so.created",
            integrationId = IntegrationId,
            contentType = "application/json",
            payload,
            reference,
        }, ct, HttpStatusCode.Accepted);
        return published.GetProperty("eventId").GetInt64();
    }

    public async Task StopAsync()
    {
        if (_hub is not null)
        {
            await _hub.DisposeAsync();
            _hub = null;
        }

        await _process.StopAsync(TimeSpan.FromSeconds(20));
    }

    public async ValueTask DisposeAsync()
    {
        if (_hub is not null)
        {
            await _hub.DisposeAsync();
        }

        _support.Dispose();
        _platform.Dispose();
        _process.Dispose();
    }

    private static async Task<JsonElement> SendAsync(HttpClient client, string path, object body, CancellationToken ct, HttpStatusCode expected = HttpStatusCode.Created)
    {
        using var response = await client.PostAsJsonAsync(new Uri(path, UriKind.Relative), body, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        if (response.StatusCode != expected)
        {
            throw new InvalidOperationException($"POST {path} answered {(int)response.StatusCode}, expected {(int)expected}: {text}");
        }

        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>The part of a live attempt the benchmark reads.</summary>
    private sealed record LiveAttemptMessage(long AttemptId, long DeliveryId, long EventId);
}

/// <summary>A delivery's event and the Stopwatch timestamp at which its committed attempt reached the benchmark.</summary>
internal readonly record struct Commit(long EventId, long Timestamp);
