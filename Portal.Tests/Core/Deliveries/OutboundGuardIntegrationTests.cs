using System.Net;
using System.Net.Sockets;
using System.Text;
using Jakamo.Portal.Core.Deliveries.Sending;
using Jakamo.Portal.Core.Webhooks;

namespace Jakamo.Portal.Tests.Core.Deliveries;

/// <summary>The sender against a real Kestrel receiver on 127.0.0.1, through the real guarded socket handler.</summary>
public sealed class OutboundGuardIntegrationTests : IAsyncLifetime
{
    private const string SigningSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    private LoopbackReceiver _receiver = default!;

    public async Task InitializeAsync() => _receiver = await LoopbackReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    [Theory]
    [InlineData("http://127.0.0.1:{0}/hook", "Refused to connect to 127.0.0.1 (loopback)")]
    [InlineData("http://localhost:{0}/hook", "Refused to connect to localhost at ")]
    [InlineData("http://[::1]:{0}/hook", "Refused to connect to ::1 (loopback)")]
    [InlineData("http://[::ffff:127.0.0.1]:{0}/hook", "Refused to connect to ::ffff:127.0.0.1 (loopback)")]
    public async Task Loopback_IsRefusedByTheGuard_WhenNotAllowed(string urlTemplate, string expectedStart)
    {
        await using var harness = new SenderHarness(allowLoopback: false);
        var url = string.Format(System.Globalization.CultureInfo.InvariantCulture, urlTemplate, _receiver.Port);

        var result = await harness.SendAsync(Outbound.Message(url: url));

        Assert.Null(result.StatusCode);
        var message = Assert.Single(result.Messages);
        Assert.StartsWith(expectedStart, message, StringComparison.Ordinal);
        Assert.Contains("(loopback)", message, StringComparison.Ordinal);
        Assert.EndsWith(": not opened in the firewall", message, StringComparison.Ordinal);
        Assert.Empty(_receiver.Hooks);
    }

    [Fact]
    public async Task LoopbackAddress_IsReached_WhenSupportOpenedThatAddress()
    {
        await using var harness = new SenderHarness(allowLoopback: false, opened: ["127.0.0.1"]);

        var result = await harness.SendAsync(Outbound.Message(url: _receiver.HookUrl));

        Assert.Equal(200, result.StatusCode);
        Assert.Single(_receiver.Hooks);
    }

    [Fact]
    public async Task Delivery_ArrivesByteIdentical_WithItsHeaders_WhenLoopbackIsAllowed()
    {
        await using var harness = new SenderHarness(allowLoopback: true);

        var result = await harness.SendAsync(Outbound.Message(url: _receiver.HookUrl, signingSecret: SigningSecret, credentials: Outbound.Basic()));

        Assert.True(result.Success);
        Assert.Equal("received", result.ResponseBody);
        var request = Assert.Single(_receiver.Hooks);
        Assert.Equal(Encoding.UTF8.GetBytes(Outbound.Body), request.Body);
        Assert.Equal("application/xml", request.Header("Content-Type"));
        Assert.Equal("so.created", request.Header("X-Jakamo-Event"));
        Assert.Equal("4711", request.Header("X-Jakamo-Event-Id"));
        Assert.Equal("77", request.Header("X-Jakamo-Delivery-Id"));
        Assert.Equal(Outbound.AcknowledgeUri, request.Header("X-Acknowledge-Uri"));
        Assert.StartsWith("Jakamo-Webhook/", request.Header("User-Agent"), StringComparison.Ordinal);
        Assert.StartsWith("Basic ", request.Header("Authorization"), StringComparison.Ordinal);
        Assert.True(StandardWebhooks.Verify(SigningSecret, request.Header("webhook-id"), request.Header("webhook-timestamp"), request.Body, request.Header("webhook-signature")));
    }

    [Theory]
    [InlineData("https://erp.invalid/hook", "Refused to connect to erp.invalid: names under .invalid never exist (RFC 6761); correct the host name")]
    [InlineData("https://ERP.Invalid./hook", "Refused to connect to erp.invalid.: names under .invalid never exist (RFC 6761); correct the host name")]
    [InlineData("https://invalid/hook", "Refused to connect to invalid: names under .invalid never exist (RFC 6761); correct the host name")]
    [InlineData("https://erp7x.onion/hook", "Refused to connect to erp7x.onion: names under .onion are Tor onion services, which the portal cannot reach (RFC 7686)")]
    public async Task NameThatCanNeverBeReached_IsRefusedWithoutALookup(string url, string expected)
    {
        var resolver = new RecordingResolver();
        await using var harness = new SenderHarness(allowLoopback: true, resolver: resolver);

        var result = await harness.SendAsync(Outbound.Message(url: url));

        Assert.Null(result.StatusCode);
        Assert.Equal([expected], result.Messages);
        Assert.Empty(resolver.Asked);
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("erp.localhost")]
    [InlineData("LOCALHOST.")]
    public async Task LocalhostNames_AreLoopback_WithoutALookup(string host)
    {
        var resolver = new RecordingResolver();
        await using var harness = new SenderHarness(allowLoopback: true, resolver: resolver);

        var result = await harness.SendAsync(Outbound.Message(url: $"http://{host}:{_receiver.Port}/hook"));

        Assert.Equal(200, result.StatusCode);
        Assert.Single(_receiver.Hooks);
        Assert.Empty(resolver.Asked);
    }

    [Theory]
    [InlineData("erp.test")]
    [InlineData("erp.example")]
    [InlineData("erp.example.com")]
    public async Task OtherNames_GoToTheResolver_AndItsAnswerIsStillGuarded(string host)
    {
        var resolver = new RecordingResolver(new() { [host] = [IPAddress.Loopback] });
        await using var allowed = new SenderHarness(allowLoopback: true, resolver: resolver);
        await using var strict = new SenderHarness(allowLoopback: false, resolver: resolver);
        var message = Outbound.Message(url: $"http://{host}:{_receiver.Port}/hook");

        var reached = await allowed.SendAsync(message);
        var refused = await strict.SendAsync(message);

        Assert.Equal(200, reached.StatusCode);
        Assert.Equal([$"Refused to connect to {host} at 127.0.0.1 (loopback): not opened in the firewall"], refused.Messages);
        Assert.Equal([host, host], resolver.Asked);
        Assert.Single(_receiver.Hooks);
    }

    [Fact]
    public async Task OAuthToken_IsFetchedOnceAndReused_ThenFetchedAgainAfterA401()
    {
        await using var harness = new SenderHarness(allowLoopback: true);
        var credentials = Outbound.OAuth(tokenUrl: _receiver.TokenUrl, clientId: LoopbackReceiver.ClientId, secret: LoopbackReceiver.ClientSecret);
        var message = Outbound.Message(url: _receiver.HookUrl, credentials: credentials);

        Assert.True((await harness.SendAsync(message)).Success);
        Assert.True((await harness.SendAsync(message)).Success);
        Assert.Equal(1, _receiver.TokensIssued);

        _receiver.RejectNextHook();
        Assert.Equal(401, (await harness.SendAsync(message)).StatusCode);
        Assert.Equal(1, _receiver.TokensIssued);

        Assert.True((await harness.SendAsync(message)).Success);
        Assert.Equal(2, _receiver.TokensIssued);
        Assert.Equal(["Bearer tok-1", "Bearer tok-1", "Bearer tok-1", "Bearer tok-2"], _receiver.Hooks.Select(h => h.Header("Authorization")));
    }

    [Fact]
    public async Task OAuthTokenEndpoint_IsGuardedToo()
    {
        await using var harness = new SenderHarness(allowLoopback: false);
        var credentials = new WebhookCredentials(1, WebhookAuthMethod.OAuth2ClientCredentials, _receiver.TokenUrl, LoopbackReceiver.ClientId, LoopbackReceiver.ClientSecret);

        var result = await harness.SendAsync(Outbound.Message(url: "https://erp.example.com/hook", credentials: credentials));

        Assert.Null(result.StatusCode);
        Assert.Equal(["OAuth2 token request failed: Refused to connect to 127.0.0.1 (loopback): not opened in the firewall"], result.Messages);
        Assert.Equal(0, _receiver.TokensIssued);
    }

    [Fact]
    public async Task WrongClientSecret_IsReportedAsInvalidClient()
    {
        await using var harness = new SenderHarness(allowLoopback: true);
        var credentials = Outbound.OAuth(tokenUrl: _receiver.TokenUrl, clientId: LoopbackReceiver.ClientId, secret: "not-the-secret-000");

        var result = await harness.SendAsync(Outbound.Message(url: _receiver.HookUrl, credentials: credentials));

        Assert.Null(result.StatusCode);
        Assert.Equal(["OAuth2 token request failed: 401 invalid_client"], result.Messages);
        Assert.Empty(_receiver.Hooks);
    }
}
