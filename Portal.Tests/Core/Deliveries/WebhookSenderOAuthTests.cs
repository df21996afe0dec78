using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using RichardSzalay.MockHttp;

namespace Jakamo.Portal.Tests.Core.Deliveries;

/// <summary>SPEC "Delivery": OAuth2 client-credentials tokens are cached until shortly before expiry and dropped on a 401.</summary>
public sealed class WebhookSenderOAuthTests
{
    private readonly MockHttpMessageHandler _network = new();
    private readonly List<string?> _tokenRequests = [];
    private readonly ConcurrentQueue<string?> _receivedAuthorization = new();
    private int _tokensIssued;
    private HttpStatusCode _receiverAnswer = HttpStatusCode.OK;

    public WebhookSenderOAuthTests()
    {
        _network.When(HttpMethod.Post, Outbound.TokenUrl).Respond(async request =>
        {
            _tokenRequests.Add(await request.Content!.ReadAsStringAsync());
            var token = $"token-{Interlocked.Increment(ref _tokensIssued)}";
            return new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = new StringContent($"{{\"access_token\":\"{token}\",\"token_type\":\"Bearer\",\"expires_in\":3600}}", Encoding.UTF8, "application/json"),
            };
        });
        _network.When(HttpMethod.Post, Outbound.PayloadUrl).Respond(request =>
        {
            _receivedAuthorization.Enqueue(request.Headers.Authorization?.ToString());
            return new HttpResponseMessage(_receiverAnswer);
        });
    }

    [Fact]
    public async Task Token_IsFetchedWithClientCredentials_OnceAndReused()
    {
        await using var harness = new SenderHarness(_network);

        var first = await harness.SendAsync(Outbound.Message(credentials: Outbound.OAuth()));
        var second = await harness.SendAsync(Outbound.Message(credentials: Outbound.OAuth()));

        Assert.True(first.Success);
        Assert.True(second.Success);
        Assert.Equal(1, _tokensIssued);
        Assert.Equal(["Bearer token-1", "Bearer token-1"], _receivedAuthorization);
        var form = Assert.Single(_tokenRequests)!;
        Assert.Contains("grant_type=client_credentials", form, StringComparison.Ordinal);
        Assert.Contains("scope=orders.write", form, StringComparison.Ordinal);
        Assert.Equal("Bearer ••••••", first.RequestHeaders.Single(h => h.Name == "Authorization").Value);
    }

    [Fact]
    public async Task Token_IsFetchedAgain_AfterTheReceiverAnswers401_ButNotWithinTheSameSend()
    {
        await using var harness = new SenderHarness(_network);
        await harness.SendAsync(Outbound.Message(credentials: Outbound.OAuth()));

        _receiverAnswer = HttpStatusCode.Unauthorized;
        var rejected = await harness.SendAsync(Outbound.Message(credentials: Outbound.OAuth()));
        Assert.Equal(401, rejected.StatusCode);
        Assert.Equal(1, _tokensIssued);
        Assert.Equal(2, _receivedAuthorization.Count);
        Assert.Contains("OAuth2 token discarded after 401; the next attempt fetches a new one", rejected.Messages);

        _receiverAnswer = HttpStatusCode.OK;
        var retried = await harness.SendAsync(Outbound.Message(credentials: Outbound.OAuth()));
        Assert.True(retried.Success);
        Assert.Equal(2, _tokensIssued);
        Assert.Equal(["Bearer token-1", "Bearer token-1", "Bearer token-2"], _receivedAuthorization);
    }

    [Fact]
    public async Task Token_IsFetchedAgain_AMinuteBeforeItExpires()
    {
        await using var harness = new SenderHarness(_network);
        await harness.SendAsync(Outbound.Message(credentials: Outbound.OAuth()));

        harness.Time.Advance(TimeSpan.FromSeconds(3600 - 61));
        await harness.SendAsync(Outbound.Message(credentials: Outbound.OAuth()));
        Assert.Equal(1, _tokensIssued);

        harness.Time.Advance(TimeSpan.FromSeconds(2));
        await harness.SendAsync(Outbound.Message(credentials: Outbound.OAuth()));
        Assert.Equal(2, _tokensIssued);
        Assert.Equal("Bearer token-2", _receivedAuthorization.Last());
    }

    [Fact]
    public async Task Token_IsFetchedAgain_WhenTheWebhooksClientSecretChanges()
    {
        await using var harness = new SenderHarness(_network);

        await harness.SendAsync(Outbound.Message(credentials: Outbound.OAuth(secret: "first-secret-111")));
        await harness.SendAsync(Outbound.Message(credentials: Outbound.OAuth(secret: "second-secret-222")));
        await harness.SendAsync(Outbound.Message(credentials: Outbound.OAuth(secret: "second-secret-222")));

        Assert.Equal(2, _tokensIssued);
    }

    [Fact]
    public async Task Tokens_AreKeptPerWebhook()
    {
        await using var harness = new SenderHarness(_network);

        await harness.SendAsync(Outbound.Message(credentials: Outbound.OAuth(webhookId: 1)));
        await harness.SendAsync(Outbound.Message(credentials: Outbound.OAuth(webhookId: 2)));
        await harness.SendAsync(Outbound.Message(credentials: Outbound.OAuth(webhookId: 1)));

        Assert.Equal(["Bearer token-1", "Bearer token-2", "Bearer token-1"], _receivedAuthorization);
    }

    [Fact]
    public async Task ConcurrentSends_ShareOneTokenRequest()
    {
        await using var harness = new SenderHarness(_network);

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => harness.SendAsync(Outbound.Message(credentials: Outbound.OAuth()))));

        Assert.All(results, r => Assert.True(r.Success));
        Assert.Equal(1, _tokensIssued);
    }

    [Fact]
    public async Task FailedTokenRequest_IsLoggedWithoutAStatusOrTheSecret_AndNothingIsSent()
    {
        var network = new MockHttpMessageHandler();
        network.When(HttpMethod.Post, Outbound.TokenUrl)
            .Respond(HttpStatusCode.Unauthorized, "application/json", "{\"error\":\"invalid_client\",\"error_description\":\"Unknown client\"}");
        var receiver = network.When(HttpMethod.Post, Outbound.PayloadUrl).Respond(HttpStatusCode.OK);
        await using var harness = new SenderHarness(network);

        var result = await harness.SendAsync(Outbound.Message(credentials: Outbound.OAuth(secret: "wrong-secret-333")));

        Assert.Null(result.StatusCode);
        Assert.Equal(["OAuth2 token request failed: 401 invalid_client"], result.Messages);
        Assert.Equal(0, network.GetMatchCount(receiver));
        Assert.DoesNotContain("wrong-secret-333", JsonSerializer.Serialize(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnreachableTokenEndpoint_IsLoggedAsATokenFailure()
    {
        var network = new MockHttpMessageHandler();
        network.When(HttpMethod.Post, Outbound.TokenUrl)
            .Throw(new HttpRequestException("Connection refused", new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.ConnectionRefused)));
        await using var harness = new SenderHarness(network);

        var result = await harness.SendAsync(Outbound.Message(credentials: Outbound.OAuth()));

        Assert.Null(result.StatusCode);
        Assert.Equal(["OAuth2 token request failed: connection refused"], result.Messages);
    }

    [Fact]
    public async Task HangingTokenEndpoint_IsLoggedAsATokenTimeout()
    {
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var network = new MockHttpMessageHandler();
        network.When(HttpMethod.Post, Outbound.TokenUrl).Respond(() =>
        {
            arrived.TrySetResult();
            return new TaskCompletionSource<HttpResponseMessage>().Task;
        });
        await using var harness = new SenderHarness(network);

        var sending = harness.SendAsync(Outbound.Message(credentials: Outbound.OAuth()));
        await arrived.Task.WaitAsync(TimeSpan.FromSeconds(10));
        harness.Time.Advance(TimeSpan.FromSeconds(30));
        var result = await sending.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Null(result.StatusCode);
        Assert.Equal(["OAuth2 token request failed: timed out after 30 s"], result.Messages);
    }

    [Fact]
    public async Task TokenResponseWithoutAnAccessToken_IsATokenFailure()
    {
        var network = new MockHttpMessageHandler();
        network.When(HttpMethod.Post, Outbound.TokenUrl).Respond("application/json", "{\"token_type\":\"Bearer\"}");
        await using var harness = new SenderHarness(network);

        var result = await harness.SendAsync(Outbound.Message(credentials: Outbound.OAuth()));

        Assert.Null(result.StatusCode);
        Assert.Equal(["OAuth2 token request failed: the response has no access_token"], result.Messages);
    }
}
