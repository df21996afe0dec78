using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Jakamo.Portal.Tests.Infrastructure;

/// <summary>A request the receiver got, with the body's exact bytes.</summary>
public sealed record ReceivedRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public string Header(string name) => Headers.TryGetValue(name, out var value) ? value : throw new KeyNotFoundException($"No header {name}; got {string.Join(", ", Headers.Keys)}");
}

/// <summary>A real Kestrel webhook receiver on 127.0.0.1 that records what it gets and answers as the test says.</summary>
public sealed class TestReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestReceiver(WebApplication app) => _app = app;

    public ConcurrentQueue<ReceivedRequest> Requests { get; } = new();

    /// <summary>Decides the answer to each request; 200 with a small JSON body unless set.</summary>
    public Func<ReceivedRequest, HttpContext, Task> Respond { get; set; } = (_, context) =>
    {
        context.Response.StatusCode = 200;
        return context.Response.WriteAsync("{\"ok\":true}");
    };

    public Uri BaseAddress { get; private set; } = default!;

    public Uri Url(string path = "hook") => new(BaseAddress, path);

    /// <summary>Answers every request with <paramref name="status"/>.</summary>
    public void AnswerWith(int status, string body = "", Action<HttpResponse>? headers = null) => Respond = async (_, context) =>
    {
        context.Response.StatusCode = status;
        headers?.Invoke(context.Response);
        if (body.Length > 0)
        {
            await context.Response.WriteAsync(body);
        }
    };

    public static async Task<TestReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new TestReceiver(app);
        app.Run(async context =>
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer);
            var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            var request = new ReceivedRequest(context.Request.Method, context.Request.Path + context.Request.QueryString, headers, buffer.ToArray());
            receiver.Requests.Enqueue(request);
            await receiver.Respond(request, context);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.BaseAddress = new Uri(address + "/");
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
