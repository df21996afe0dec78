using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Jakamo.Portal.Core.Deliveries.Sending;
using Jakamo.Portal.Core.Webhooks;
using Microsoft.Extensions.Options;
using RichardSzalay.MockHttp;

namespace Jakamo.Portal.Tests.Core.Deliveries;

/// <summary>SPEC "Delivery" and "Transport logs": what the sender puts on the wire and what it records.</summary>
public sealed class WebhookSenderTests
{
    private const string SigningSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    private readonly MockHttpMessageHandler _network = new();
    private readonly List<ReceivedRequest> _received = [];

    private MockedRequest Receiver(Func<HttpResponseMessage>? answer = null) =>
        _network.When(HttpMethod.Post, Outbound.PayloadUrl).Respond(async request =>
        {
            _received.Add(await ReceivedRequest.FromAsync(request));
            return answer?.Invoke() ?? HttpStatus.Ok();
        });

    [Theory]
    [InlineData("application/xml")]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("application/vnd.jakamo.asn+json")]
    public async Task Post_CarriesTheBodyByteForByte_AndTheContentTypeExactlyAsGiven(string contentType)
    {
        Receiver();
        await using var harness = new SenderHarness(_network);

        var result = await harness.SendAsync(Outbound.Message(contentType: contentType));

        var request = Assert.Single(_received);
        Assert.Equal(Encoding.UTF8.GetBytes(Outbound.Body), request.Body);
        Assert.Equal(contentType, request.Header("Content-Type"));
        Assert.Equal(Outbound.Body, result.RequestBody);
        Assert.Equal("POST", result.Method);
        Assert.Equal(Outbound.PayloadUrl, result.Url);
        Assert.Contains(new LoggedHeader("Content-Type", contentType), result.RequestHeaders);
    }

    [Fact]
    public async Task Post_CarriesTheJakamoHeaders_AndAUserAgentWithTheBareVersion()
    {
        Receiver();
        await using var harness = new SenderHarness(_network);

        var result = await harness.SendAsync(Outbound.Message());

        var request = Assert.Single(_received);
        Assert.Equal("so.created", request.Header("X-Jakamo-Event"));
        Assert.Equal("4711", request.Header("X-Jakamo-Event-Id"));
        Assert.Equal("77", request.Header("X-Jakamo-Delivery-Id"));
        Assert.Equal(Outbound.AcknowledgeUri, request.Header("X-Acknowledge-Uri"));
        Assert.Matches(new Regex(@"^Jakamo-Webhook/\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$"), request.Header("User-Agent"));
        foreach (var name in new[] { "X-Jakamo-Event", "X-Jakamo-Event-Id", "X-Jakamo-Delivery-Id", "X-Acknowledge-Uri", "User-Agent" })
        {
            Assert.Equal(request.Header(name), result.RequestHeaders.Single(h => h.Name == name).Value);
        }

        Assert.True(result.Success);
        Assert.Equal(200, result.StatusCode);
        Assert.Equal("ok", result.ResponseBody);
        Assert.Equal(2, result.ResponseBodySize);
    }

    [Fact]
    public async Task Post_LeavesOutTheAcknowledgeUri_WhenTheEventHasNoQueueItem()
    {
        Receiver();
        await using var harness = new SenderHarness(_network);

        var result = await harness.SendAsync(Outbound.Message(acknowledgeUri: null));

        Assert.Null(Assert.Single(_received).Header("X-Acknowledge-Uri"));
        Assert.DoesNotContain(result.RequestHeaders, h => h.Name == "X-Acknowledge-Uri");
    }

    [Fact]
    public async Task BasicAuth_SendsBase64OfUserAndPassword_AndLogsItMasked()
    {
        Receiver();
        await using var harness = new SenderHarness(_network);

        var result = await harness.SendAsync(Outbound.Message(credentials: Outbound.Basic("erp-user", "pa55-w0rd-Basic!")));

        var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("erp-user:pa55-w0rd-Basic!"));
        Assert.Equal(expected, Assert.Single(_received).Header("Authorization"));
        Assert.Equal("Basic ••••••", result.RequestHeaders.Single(h => h.Name == "Authorization").Value);
    }

    [Fact]
    public async Task ApiKey_SendsTheConfiguredHeader_AndLogsItsValueMasked()
    {
        Receiver();
        await using var harness = new SenderHarness(_network);

        var result = await harness.SendAsync(Outbound.Message(credentials: Outbound.ApiKey("X-Api-Key", "api-key-value-7d1e9c")));

        var request = Assert.Single(_received);
        Assert.Equal("api-key-value-7d1e9c", request.Header("X-Api-Key"));
        Assert.Null(request.Header("Authorization"));
        Assert.Equal("••••••", result.RequestHeaders.Single(h => h.Name == "X-Api-Key").Value);
    }

    [Fact]
    public async Task NoAuth_SendsNoAuthorizationHeader()
    {
        Receiver();
        await using var harness = new SenderHarness(_network);

        var result = await harness.SendAsync(Outbound.Message(credentials: Outbound.None()));

        Assert.Null(Assert.Single(_received).Header("Authorization"));
        Assert.DoesNotContain(result.RequestHeaders, h => h.Name == "Authorization");
    }

    [Fact]
    public void Signature_MatchesTheStandardWebhooksExample()
    {
        var key = WebhookSignature.KeyOf(SigningSecret)!;

        var signature = WebhookSignature.Sign(key, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, Encoding.UTF8.GetBytes("{\"test\": 2432232314}"));

        Assert.Equal("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", signature);
    }

    [Fact]
    public async Task SignedRequest_VerifiesWithAnIndependentStandardWebhooksImplementation()
    {
        Receiver();
        await using var harness = new SenderHarness(_network);

        var result = await harness.SendAsync(Outbound.Message(signingSecret: SigningSecret));

        var request = Assert.Single(_received);
        Assert.Equal("msg_4711", request.Header("webhook-id"));
        Assert.Equal(harness.Time.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), request.Header("webhook-timestamp"));
        Assert.True(StandardWebhooks.Verify(SigningSecret, request.Header("webhook-id"), request.Header("webhook-timestamp"), request.Body, request.Header("webhook-signature")));
        Assert.False(StandardWebhooks.Verify(SigningSecret, request.Header("webhook-id"), request.Header("webhook-timestamp"), [.. request.Body, (byte)' '], request.Header("webhook-signature")));
        Assert.Equal(request.Header("webhook-signature"), result.RequestHeaders.Single(h => h.Name == "webhook-signature").Value);
    }

    [Fact]
    public async Task WebhookId_StaysTheSameAcrossAttemptsOfOneEvent_WhileTheTimestampMoves()
    {
        Receiver();
        await using var harness = new SenderHarness(_network);

        await harness.SendAsync(Outbound.Message(signingSecret: SigningSecret));
        harness.Time.Advance(TimeSpan.FromMinutes(5));
        await harness.SendAsync(Outbound.Message(signingSecret: SigningSecret));
        await harness.SendAsync(Outbound.Message(signingSecret: SigningSecret, eventId: 4712));

        Assert.Equal(["msg_4711", "msg_4711", "msg_4712"], _received.Select(r => r.Header("webhook-id")));
        Assert.Equal(["4711", "4711", "4712"], _received.Select(r => r.Header("X-Jakamo-Event-Id")));
        Assert.Equal(300, long.Parse(_received[1].Header("webhook-timestamp")!, System.Globalization.CultureInfo.InvariantCulture) - long.Parse(_received[0].Header("webhook-timestamp")!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.All(_received, r => Assert.True(StandardWebhooks.Verify(SigningSecret, r.Header("webhook-id"), r.Header("webhook-timestamp"), r.Body, r.Header("webhook-signature"))));
    }

    [Fact]
    public async Task UnsignedWebhook_SendsNoSignatureHeaders()
    {
        Receiver();
        await using var harness = new SenderHarness(_network);

        await harness.SendAsync(Outbound.Message(signingSecret: null));

        var request = Assert.Single(_received);
        Assert.Null(request.Header("webhook-id"));
        Assert.Null(request.Header("webhook-signature"));
    }

    public static TheoryData<WebhookAuthMethod> AuthMethods => [WebhookAuthMethod.Basic, WebhookAuthMethod.ApiKeyHeader, WebhookAuthMethod.OAuth2ClientCredentials];

    [Theory]
    [MemberData(nameof(AuthMethods))]
    public async Task Result_NeverContainsASecret_EvenWhenTheReceiverEchoesThem(WebhookAuthMethod method)
    {
        const string token = "eyJhbGciOiJSUzI1NiJ9.access-token-4c2b";
        _network.When(HttpMethod.Post, Outbound.TokenUrl)
            .Respond("application/json", $"{{\"access_token\":\"{token}\",\"token_type\":\"Bearer\",\"expires_in\":3600}}");
        _network.When(HttpMethod.Post, Outbound.PayloadUrl).Respond(request =>
        {
            // A debugging receiver that echoes everything it got, in its body and in a header.
            var echo = string.Join("\n", request.Headers.NonValidated.Select(h => $"{h.Key}: {h.Value}"));
            var response = new HttpResponseMessage(HttpStatusCode.BadRequest) { Content = new StringContent(echo) };
            response.Headers.TryAddWithoutValidation("X-Echo", echo.ReplaceLineEndings(" | "));
            return response;
        });
        var credentials = method switch
        {
            WebhookAuthMethod.Basic => Outbound.Basic(),
            WebhookAuthMethod.ApiKeyHeader => Outbound.ApiKey(),
            _ => Outbound.OAuth(),
        };
        await using var harness = new SenderHarness(_network);

        var result = await harness.SendAsync(Outbound.Message(credentials: credentials, signingSecret: SigningSecret));

        Assert.Equal(400, result.StatusCode);
        Assert.Contains("X-Jakamo-Event: so.created", result.ResponseBody, StringComparison.Ordinal);
        var json = JsonSerializer.Serialize(result);
        string[] secrets =
        [
            token, "client-secret-9f8e7d", "pa55-w0rd-Basic!", "api-key-value-7d1e9c", SigningSecret, SigningSecret["whsec_".Length..],
            Convert.ToBase64String(Encoding.UTF8.GetBytes("erp-user:pa55-w0rd-Basic!")),
            Convert.ToBase64String(Encoding.UTF8.GetBytes("jakamo-client:client-secret-9f8e7d")),
            Convert.ToBase64String(Encoding.UTF8.GetBytes(token)),
        ];
        Assert.All(secrets, secret => Assert.DoesNotContain(secret, json, StringComparison.Ordinal));
        Assert.Contains("••••••", result.ResponseBody, StringComparison.Ordinal);
    }

    public static TheoryData<Exception, string> TransportFailures => new()
    {
        { new HttpRequestException("Connection refused (erp.example.com:443)", new SocketException((int)SocketError.ConnectionRefused)), "connection refused" },
        { new HttpRequestException(HttpRequestError.NameResolutionError, "Name or service not known (erp.example.com:443)", new SocketException((int)SocketError.HostNotFound)), "host name could not be resolved" },
        { new HttpRequestException(HttpRequestError.SecureConnectionError, "The SSL connection could not be established, see inner exception.", new AuthenticationException("The remote certificate is invalid because of errors in the certificate chain: UntrustedRoot")), "TLS handshake failed: The remote certificate is invalid because of errors in the certificate chain: UntrustedRoot" },
        { new HttpRequestException(HttpRequestError.ResponseEnded, "An error occurred while sending the request.", new IOException("The response ended prematurely.")), "connection closed before a response" },
        { new HttpRequestException("An error occurred while sending the request.", new IOException("Unable to read data from the transport connection: Connection reset by peer.", new SocketException((int)SocketError.ConnectionReset))), "connection closed before a response" },
        { new HttpRequestException("Refused (10.0.0.1:443)", new OutboundBlockedException("erp.example.com", IPAddress.Parse("10.0.0.1"), "private", 0)), "Refused to connect to erp.example.com at 10.0.0.1 (private): not opened in the firewall" },
        { new HttpRequestException(HttpRequestError.SecureConnectionError, "The SSL connection could not be established, see inner exception.", new IOException("Received an unexpected EOF or 0 bytes from the transport stream.")), "TLS handshake failed: the receiver closed the connection during the handshake" },
    };

    [Theory]
    [MemberData(nameof(TransportFailures), DisableDiscoveryEnumeration = true)]
    public async Task TransportFailure_IsLoggedAsAShortMessage_WithoutAStatus(Exception failure, string expected)
    {
        _network.When(HttpMethod.Post, Outbound.PayloadUrl).Throw(failure);
        await using var harness = new SenderHarness(_network);

        var result = await harness.SendAsync(Outbound.Message());

        Assert.Null(result.StatusCode);
        Assert.False(result.Success);
        Assert.Equal([expected], result.Messages);
        Assert.Equal(Outbound.Body, result.RequestBody);
        Assert.NotEmpty(result.RequestHeaders);
    }

    [Theory]
    [InlineData(null, "timed out after 30 s")]
    [InlineData(5, "timed out after 5 s")]
    public async Task SlowReceiver_IsLoggedAsTimedOutAfterTheConfiguredTimeout(int? seconds, string expected)
    {
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var never = new TaskCompletionSource<HttpResponseMessage>();
        _network.When(HttpMethod.Post, Outbound.PayloadUrl).Respond(() =>
        {
            arrived.TrySetResult();
            return never.Task;
        });
        var timeout = seconds is { } s ? TimeSpan.FromSeconds(s) : (TimeSpan?)null;
        await using var harness = new SenderHarness(_network, timeout: timeout);

        var sending = harness.SendAsync(Outbound.Message());
        await arrived.Task.WaitAsync(TimeSpan.FromSeconds(10));
        harness.Time.Advance((timeout ?? TimeSpan.FromSeconds(30)) - TimeSpan.FromMilliseconds(1));
        Assert.False(sending.IsCompleted);
        harness.Time.Advance(TimeSpan.FromMilliseconds(1));
        var result = await sending.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Null(result.StatusCode);
        Assert.Equal([expected], result.Messages);
        Assert.Equal(timeout ?? TimeSpan.FromSeconds(30), result.Duration);
    }

    [Fact]
    public async Task ZeroTimeout_IsRefusedAsAConfigurationError()
    {
        await using var harness = new SenderHarness(_network, timeout: TimeSpan.Zero);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => harness.SendAsync(Outbound.Message()));

        Assert.Contains("Portal:Delivery:Timeout", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CallerCancellation_Throws_InsteadOfBeingLogged()
    {
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _network.When(HttpMethod.Post, Outbound.PayloadUrl).Respond(() =>
        {
            arrived.TrySetResult();
            return new TaskCompletionSource<HttpResponseMessage>().Task;
        });
        await using var harness = new SenderHarness(_network);
        using var shutdown = new CancellationTokenSource();

        var sending = harness.Sender.SendAsync(Outbound.Message(), shutdown.Token);
        await arrived.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await shutdown.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sending.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task LargeResponseBody_IsCutTo64KiB_AndItsFullSizeIsNoted()
    {
        Receiver(() => HttpStatus.Ok(new string('x', 1024 * 1024)));
        await using var harness = new SenderHarness(_network);

        var result = await harness.SendAsync(Outbound.Message());

        Assert.Equal(64 * 1024, result.ResponseBody!.Length);
        Assert.Equal(1024 * 1024, result.ResponseBodySize);
        Assert.True(result.ResponseBodyTruncated);
        Assert.Equal(["response body cut to 64 KiB (1,048,576 bytes in total)"], result.Messages);
        Assert.True(result.Success);
    }

    [Fact]
    public async Task CutResponseBody_LeavesOutACharacterSplitByTheCut_AndDoesNotCallItInvalidUtf8()
    {
        Receiver(() => HttpStatus.Ok(new string('x', (64 * 1024) - 1) + "é and more"));
        await using var harness = new SenderHarness(_network);

        var result = await harness.SendAsync(Outbound.Message());

        Assert.Equal(new string('x', (64 * 1024) - 1), result.ResponseBody);
        Assert.Equal(["response body cut to 64 KiB (65,546 bytes in total)"], result.Messages);
    }

    [Fact]
    public async Task BodyThatStopsArriving_IsKept_AndLoggedAsIncompleteAfterTheTimeout()
    {
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Receiver(() =>
        {
            arrived.TrySetResult();
            var content = new StreamContent(new StallingStream("begin"u8.ToArray()));
            content.Headers.ContentLength = 100;
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = content };
        });
        await using var harness = new SenderHarness(_network);

        var sending = harness.SendAsync(Outbound.Message());
        await arrived.Task.WaitAsync(TimeSpan.FromSeconds(10));
        harness.Time.Advance(TimeSpan.FromSeconds(30));
        var result = await sending.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(200, result.StatusCode);
        Assert.Equal("begin", result.ResponseBody);
        Assert.Equal(5, result.ResponseBodySize);
        Assert.Equal(["response body incomplete (5 of 100 bytes read): timed out after 30 s"], result.Messages);
    }

    [Fact]
    public async Task ErrorResponse_IsRecordedWithStatusHeadersAndBody()
    {
        Receiver(() =>
        {
            var response = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) { Content = new StringContent("maintenance") };
            response.Headers.TryAddWithoutValidation("X-Receiver-Trace", "r-1");
            return response;
        });
        await using var harness = new SenderHarness(_network);

        var result = await harness.SendAsync(Outbound.Message());

        Assert.False(result.Success);
        Assert.Equal(503, result.StatusCode);
        Assert.Equal("maintenance", result.ResponseBody);
        Assert.Contains(new LoggedHeader("X-Receiver-Trace", "r-1"), result.ResponseHeaders);
        Assert.Contains(result.ResponseHeaders, h => h.Name == "Content-Type" && h.Value.StartsWith("text/plain", StringComparison.Ordinal));
        Assert.Empty(result.Messages);
    }

    [Theory]
    [InlineData("120", 120)]
    [InlineData("Tue, 01 Dec 2026 08:05:00 GMT", 300)]
    [InlineData("Tue, 01 Dec 2026 07:00:00 GMT", 0)]
    public async Task RetryAfter_IsReadAsSecondsOrAsAnHttpDate(string header, int expectedSeconds)
    {
        Receiver(() =>
        {
            var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
            response.Headers.TryAddWithoutValidation("Retry-After", header);
            return response;
        });
        await using var harness = new SenderHarness(_network);

        var result = await harness.SendAsync(Outbound.Message());

        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), result.RetryAfter);
    }

    [Fact]
    public async Task Result_RecordsStartAndDuration_FromTheInjectedClock()
    {
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource<HttpResponseMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        _network.When(HttpMethod.Post, Outbound.PayloadUrl).Respond(() =>
        {
            arrived.TrySetResult();
            return release.Task;
        });
        await using var harness = new SenderHarness(_network);

        var sending = harness.SendAsync(Outbound.Message());
        await arrived.Task.WaitAsync(TimeSpan.FromSeconds(10));
        harness.Time.Advance(TimeSpan.FromMilliseconds(1250));
        release.SetResult(HttpStatus.Ok());
        var result = await sending.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(new DateTime(2026, 12, 1, 8, 0, 0, DateTimeKind.Utc), result.StartedAt);
        Assert.Equal(DateTimeKind.Utc, result.StartedAt.Kind);
        Assert.Equal(TimeSpan.FromMilliseconds(1250), result.Duration);
    }

    [Fact]
    public async Task InvalidPayloadUrl_IsReported_AndNothingIsSent()
    {
        await using var harness = new SenderHarness(_network);

        var result = await harness.SendAsync(Outbound.Message(url: "ftp://erp.example.com/hook"));

        Assert.Null(result.StatusCode);
        Assert.Equal(["the payload URL is not a valid http or https URL; nothing was sent"], result.Messages);
    }

    /// <summary>A response body whose first bytes arrive and the rest never does.</summary>
    private sealed class StallingStream(byte[] first) : Stream
    {
        private bool _sent;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (!_sent)
            {
                _sent = true;
                first.CopyTo(buffer);
                return first.Length;
            }

            // Stalls, like a receiver that sends no more, until the sender gives up.
            await new TaskCompletionSource().Task.WaitAsync(cancellationToken);
            return 0;
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
