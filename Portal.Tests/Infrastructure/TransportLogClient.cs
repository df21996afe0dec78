using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Jakamo.Portal.Realtime;
using Microsoft.AspNetCore.SignalR.Client;

namespace Jakamo.Portal.Tests.Infrastructure;

/// <summary>A SignalR client of the transport-log hub that keeps every attempt it receives as raw JSON.</summary>
public sealed class TransportLogClient : IAsyncDisposable
{
    private TransportLogClient(HubConnection connection)
    {
        Connection = connection;
        connection.On<JsonElement>(nameof(ITransportLogClient.AttemptsCommitted), batch =>
        {
            Messages.Enqueue(batch.GetRawText());
            foreach (var attempt in batch.EnumerateArray())
            {
                Attempts.Enqueue(attempt.Clone());
            }
        });
    }

    public HubConnection Connection { get; }

    public ConcurrentQueue<string> Messages { get; } = new();

    public ConcurrentQueue<JsonElement> Attempts { get; } = new();

    public static HubConnection Build(PortalAppFactory app, string? token = null, CookieContainer? cookies = null) =>
        Build(app.BaseAddress, token, cookies);

    public static HubConnection Build(Uri portal, string? token = null, CookieContainer? cookies = null) =>
        new HubConnectionBuilder()
            .WithUrl(new Uri(portal, "hubs/transport-log"), o =>
            {
                if (token is not null)
                {
                    o.AccessTokenProvider = () => Task.FromResult<string?>(token);
                }

                if (cookies is not null)
                {
                    o.Cookies = cookies;
                }
            })
            .Build();

    public static Task<TransportLogClient> ConnectAsync(PortalAppFactory app, string? token = null, CookieContainer? cookies = null) =>
        ConnectAsync(app.BaseAddress, token, cookies);

    /// <summary>Connects to the hub of the portal at <paramref name="portal"/> (an in-process app or a portal process).</summary>
    public static async Task<TransportLogClient> ConnectAsync(Uri portal, string? token = null, CookieContainer? cookies = null)
    {
        var client = new TransportLogClient(Build(portal, token, cookies));
        await client.Connection.StartAsync();
        return client;
    }

    public bool HasEvent(long eventId) => Attempts.Any(a => a.GetProperty("eventId").GetInt64() == eventId);

    public bool HasAttempt(long attemptId) => Attempts.Any(a => a.GetProperty("attemptId").GetInt64() == attemptId);

    public IReadOnlyList<int> CompanyIds() => [.. Attempts.Select(a => a.GetProperty("companyId").GetInt32()).Distinct().Order()];

    public ValueTask DisposeAsync() => Connection.DisposeAsync();
}
