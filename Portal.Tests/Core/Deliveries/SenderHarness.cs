using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Jakamo.Portal.Core.Deliveries.Sending;
using Jakamo.Portal.Core.Webhooks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using RichardSzalay.MockHttp;

namespace Jakamo.Portal.Tests.Core.Deliveries;

/// <summary>The sender as the portal registers it, with a fake clock, fixed firewall openings and, optionally, a mocked network.</summary>
internal sealed class SenderHarness : IAsyncDisposable
{
    private readonly ServiceProvider _provider;

    public SenderHarness(
        MockHttpMessageHandler? network = null, bool allowLoopback = false, string[]? opened = null, TimeSpan? timeout = null, IHostNameResolver? resolver = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Portal:Delivery:AllowLoopback"] = allowLoopback ? "true" : "false",
        };
        if (timeout is { } configured)
        {
            settings["Portal:Delivery:Timeout"] = configured.ToString("c");
        }

        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(Time);
        services.AddWebhookSender(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddSingleton<IOpenedHosts>(new OpenedHostsStub(opened ?? []));
        services.AddSingleton(resolver ?? new RecordingResolver());
        if (network is not null)
        {
            services.AddHttpClient(WebhookSender.ClientName).ConfigurePrimaryHttpMessageHandler(() => network);
            services.AddHttpClient(OAuthTokenCache.ClientName).ConfigurePrimaryHttpMessageHandler(() => network);
        }

        _provider = services.BuildServiceProvider(validateScopes: true);
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero));

    public IWebhookSender Sender => _provider.GetRequiredService<IWebhookSender>();

    public Task<SendResult> SendAsync(OutboundMessage message) => Sender.SendAsync(message, CancellationToken.None);

    public ValueTask DisposeAsync() => _provider.DisposeAsync();
}

/// <summary>Firewall openings fixed by the test.</summary>
internal sealed class OpenedHostsStub(params string[] hosts) : IOpenedHosts
{
    public bool IsOpened(string host) => hosts.Contains(host, StringComparer.OrdinalIgnoreCase);
}

/// <summary>
/// A resolver that records every name it is asked and answers from its own table, so no test ever asks a real DNS
/// server. A name it does not know is reported as not found.
/// </summary>
internal sealed class RecordingResolver(Dictionary<string, IPAddress[]>? answers = null) : IHostNameResolver
{
    public ConcurrentQueue<string> Asked { get; } = new();

    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        Asked.Enqueue(host);
        return answers?.TryGetValue(host, out var addresses) == true
            ? Task.FromResult(addresses)
            : Task.FromException<IPAddress[]>(new SocketException((int)SocketError.HostNotFound));
    }
}

/// <summary>Outbound messages with sensible defaults.</summary>
internal static class Outbound
{
    public const string PayloadUrl = "https://erp.example.com/hooks/jakamo";
    public const string TokenUrl = "https://login.example.com/oauth2/token";
    public const string AcknowledgeUri = "https://portal.example.com/api/queue/ack/3f2a";
    public const string Body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Order><Note>Größe ✓ 10 €</Note></Order>";

    public static OutboundMessage Message(
        string url = PayloadUrl,
        WebhookCredentials? credentials = null,
        string? signingSecret = null,
        string body = Body,
        string contentType = "application/xml",
        string? acknowledgeUri = AcknowledgeUri,
        long eventId = 4711) =>
        new(77, eventId, "so.created", url, contentType, body, acknowledgeUri, credentials ?? None(), signingSecret);

    public static WebhookCredentials None(int webhookId = 1) => new(webhookId, WebhookAuthMethod.None);

    public static WebhookCredentials Basic(string user = "erp-user", string password = "pa55-w0rd-Basic!") =>
        new(1, WebhookAuthMethod.Basic, UserName: user, Password: password);

    public static WebhookCredentials ApiKey(string name = "X-Api-Key", string value = "api-key-value-7d1e9c") =>
        new(1, WebhookAuthMethod.ApiKeyHeader, HeaderName: name, HeaderValue: value);

    public static WebhookCredentials OAuth(int webhookId = 1, string tokenUrl = TokenUrl, string clientId = "jakamo-client", string secret = "client-secret-9f8e7d", string? scope = "orders.write") =>
        new(webhookId, WebhookAuthMethod.OAuth2ClientCredentials, TokenUrl: tokenUrl, ClientId: clientId, ClientSecret: secret, Scope: scope);
}

/// <summary>A request as the receiver saw it.</summary>
internal sealed record ReceivedRequest(Dictionary<string, string> Headers, byte[] Body)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    public static async Task<ReceivedRequest> FromAsync(HttpRequestMessage request)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in request.Headers.NonValidated)
        {
            headers[name] = values.ToString();
        }

        if (request.Content is null)
        {
            return new ReceivedRequest(headers, []);
        }

        foreach (var (name, values) in request.Content.Headers.NonValidated)
        {
            headers[name] = values.ToString();
        }

        return new ReceivedRequest(headers, await request.Content.ReadAsByteArrayAsync());
    }
}

/// <summary>
/// Standard Webhooks verification written from the specification, independently of the portal's signer:
/// HMAC-SHA256 over "{webhook-id}.{webhook-timestamp}.{body}", keyed with the base64 after "whsec_".
/// </summary>
internal static class StandardWebhooks
{
    public static bool Verify(string secret, string? id, string? timestamp, byte[] body, string? signatures)
    {
        if (id is null || timestamp is null || signatures is null)
        {
            return false;
        }

        var key = Convert.FromBase64String(secret["whsec_".Length..]);
        var signed = Encoding.UTF8.GetBytes($"{id}.{timestamp}.").Concat(body).ToArray();
        var expected = Encoding.ASCII.GetBytes(Convert.ToBase64String(HMACSHA256.HashData(key, signed)));
        return signatures.Split(' ')
            .Where(s => s.StartsWith("v1,", StringComparison.Ordinal))
            .Any(s => CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(s[3..]), expected));
    }
}

internal static class HttpStatus
{
    public static HttpResponseMessage Ok(string body = "ok") => new(HttpStatusCode.OK) { Content = new StringContent(body) };
}
