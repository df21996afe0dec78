using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Jakamo.Portal.Bench;

/// <summary>The receiver process: answers 200 to every POST on 127.0.0.1 and counts what arrived, by delivery id.</summary>
internal static class Receiver
{
    public const string ReadyPrefix = "RECEIVER LISTENING ";

    private static readonly byte[] Answer = Encoding.UTF8.GetBytes("{\"received\":true}");

    public static async Task<int> RunAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        await using var app = builder.Build();

        var deliveries = new ConcurrentDictionary<string, int>();
        long requests = 0;
        app.MapPost("/{**path}", async (HttpContext context) =>
        {
            // Read the whole body, as an ERP would, then answer.
            var buffer = new byte[16 * 1024];
            while (await context.Request.Body.ReadAsync(buffer) > 0)
            {
            }

            Interlocked.Increment(ref requests);
            if (context.Request.Headers["X-Jakamo-Delivery-Id"].ToString() is { Length: > 0 } deliveryId)
            {
                deliveries.AddOrUpdate(deliveryId, 1, (_, n) => n + 1);
            }

            context.Response.ContentType = "application/json";
            await context.Response.Body.WriteAsync(Answer);
        });
        app.MapGet("/stats", () => new ReceiverStats(
            Interlocked.Read(ref requests), deliveries.Count, deliveries.Values.Sum(n => n - 1)));

        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Console.WriteLine(ReadyPrefix + address);

        // Runs until the benchmark closes stdin (or is gone).
        await Console.In.ReadToEndAsync();
        await app.StopAsync();
        return 0;
    }

    /// <summary>The benchmark's handle on the receiver process.</summary>
    internal sealed class Client : IDisposable
    {
        private readonly ChildProcess _process;
        private readonly HttpClient _http;

        private Client(ChildProcess process, Uri address)
        {
            _process = process;
            Address = address;
            _http = new HttpClient { BaseAddress = address };
        }

        public Uri Address { get; }

        public static async Task<Client> StartAsync()
        {
            var self = Environment.ProcessPath ?? throw new InvalidOperationException("The benchmark's own path is unknown.");
            var process = ChildProcess.Start("receiver", self, ["--receiver"], AppContext.BaseDirectory, new Dictionary<string, string>());
            try
            {
                var line = await process.WaitForLineAsync(l => l.StartsWith(ReadyPrefix, StringComparison.Ordinal), TimeSpan.FromSeconds(30));
                return new Client(process, new Uri(line[ReadyPrefix.Length..].Trim() + "/"));
            }
            catch
            {
                process.Dispose();
                throw;
            }
        }

        public async Task<ReceiverStats> StatsAsync(CancellationToken ct) =>
            await System.Net.Http.Json.HttpClientJsonExtensions.GetFromJsonAsync<ReceiverStats>(_http, new Uri("stats", UriKind.Relative), ct)
            ?? throw new InvalidOperationException("The receiver sent no statistics.");

        public void Dispose()
        {
            _http.Dispose();
            _process.Dispose();
        }
    }
}

/// <summary>What the receiver counted: all requests, distinct deliveries, and deliveries that arrived more than once.</summary>
internal sealed record ReceiverStats(long Requests, int Deliveries, int Duplicates);
