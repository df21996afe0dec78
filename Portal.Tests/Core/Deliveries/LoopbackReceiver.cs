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

namespace Jakamo.Portal.Tests.Core.Deliveries;

/// <summary>A real Kestrel receiver on 127.0.0.1 with a webhook endpoint and an OAuth2 token endpoint.</summary>
internal sealed class LoopbackReceiver : IAsyncDisposable
{
    public const string ClientId = "jakamo-client";
    public const string ClientSecret = "client-secret-9f8e7d";

    private readonly WebApplication _app;
    private int _tokensIssued;
    private int _rejectNext;

    private LoopbackReceiver(WebApplication app) => _app = app;

    public ConcurrentQueue<ReceivedRequest> Hooks { get; } = new();

    public int TokensIssued => Volatile.Read(ref _tokensIssued);

    public int Port { get; private set; }

    public string HookUrl => $"http://127.0.0.1:{Port}/hook";

    public string TokenUrl => $"http://127.0.0.1:{Port}/token";

    public static async Task<LoopbackReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new LoopbackReceiver(app);
        app.MapPost("/hook", receiver.HookAsync);
        app.MapPost("/token", receiver.TokenAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        receiver.Port = new Uri(address).Port;
        return receiver;
    }

    /// <summary>Makes the webhook endpoint answer 401 once, as a receiver does when it stops accepting a token.</summary>
    public void RejectNextHook() => Interlocked.Exchange(ref _rejectNext, 1);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HookAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        Hooks.Enqueue(new ReceivedRequest(headers, body.ToArray()));
        context.Response.StatusCode = Interlocked.Exchange(ref _rejectNext, 0) == 1 ? StatusCodes.Status401Unauthorized : StatusCodes.Status200OK;
        await context.Response.WriteAsync("received");
    }

    private async Task TokenAsync(HttpContext context)
    {
        var form = await context.Request.ReadFormAsync();
        var (id, secret) = ClientCredentialsOf(context.Request, form);
        if (form["grant_type"] != "client_credentials" || id != ClientId || secret != ClientSecret)
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            await context.Response.WriteAsJsonAsync(new { error = "invalid_client" });
            return;
        }

        var number = Interlocked.Increment(ref _tokensIssued);
        await context.Response.WriteAsJsonAsync(new Dictionary<string, object>
        {
            ["access_token"] = $"tok-{number}",
            ["token_type"] = "Bearer",
            ["expires_in"] = 3600,
        });
    }

    /// <summary>RFC 6749 2.3.1: Basic with form-encoded id and secret, or both in the form.</summary>
    private static (string? Id, string? Secret) ClientCredentialsOf(HttpRequest request, IFormCollection form)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            var pair = Encoding.UTF8.GetString(Convert.FromBase64String(authorization["Basic ".Length..])).Split(':', 2);
            return (WebUtility.UrlDecode(pair[0]), pair.Length > 1 ? WebUtility.UrlDecode(pair[1]) : null);
        }

        return (form["client_id"], form["client_secret"]);
    }
}
