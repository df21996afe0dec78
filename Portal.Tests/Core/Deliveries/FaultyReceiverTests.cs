using System.Net;
using System.Net.Sockets;
using System.Text;
using Jakamo.Portal.Core.Deliveries;
using Jakamo.Portal.Core.Deliveries.Sending;
using Jakamo.Portal.Core.Firewall;
using Jakamo.Portal.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Jakamo.Portal.Tests.Core.Deliveries;

/// <summary>
/// Issue 6 "Faulty receivers": each misbehaving receiver leaves one attempt with the right outcome and the exact message
/// the transport log shows, and the next delivery, to a healthy receiver, still succeeds. Everything runs through the
/// delivery engine, the real sender and real sockets on 127.0.0.1, with a fake clock.
/// </summary>
public sealed class FaultyReceiverTests : FaultyReceiverScenario
{
    private const string FirstAnswer = "not now";

    [Fact]
    public async Task SlowerThanTheTimeout_FailsAsTimedOut_AndTheConnectionIsDropped()
    {
        var dropped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        H.Receiver.Respond = async (_, context) =>
        {
            using var registration = context.RequestAborted.Register(() => dropped.TrySetResult());
            await dropped.Task.WaitAsync(TimeSpan.FromSeconds(10));
        };

        var attempting = SingleAttemptAsync();
        await Poll.UntilAsync(() => Task.FromResult(!H.Receiver.Requests.IsEmpty), because: "the receiver got the request");
        H.Core.Time.Advance(SendTimeout);
        var attempt = await attempting.WaitAsync(TimeSpan.FromSeconds(10));
        await dropped.Task.WaitAsync(TimeSpan.FromSeconds(10));

        AssertFailedWithoutAResponse(attempt, "timed out after 2 s");
        Assert.Equal(2000, attempt.DurationMs);
        await AssertUnharmedAsync(attempt);
    }

    [Fact]
    public async Task ResetInMidResponse_KeepsWhatArrived_AndSaysTheBodyIsIncomplete()
    {
        await using var receiver = RawSocketReceiver.Start(RawSocketReceiver.AnswerPartlyThenReset(declared: 10_000, sent: 1_000));

        var attempt = await SingleAttemptAsync(receiver.Url());

        // The status line is the receiver's verdict (SPEC: success is any 2xx); the log says the body was cut short.
        Assert.Equal(AttemptOutcome.Succeeded, attempt.Outcome);
        Assert.Equal(200, attempt.ResponseStatus);
        Assert.Equal(new string('a', 1_000), attempt.ResponseBody);
        Assert.Equal(1_000, attempt.ResponseBodySize);
        Assert.False(attempt.ResponseBodyTruncated);
        Assert.Equal("response body incomplete (1,000 of 10,000 bytes read): connection reset by the receiver", attempt.Messages);
        Assert.Equal(1, receiver.Requests);
        await AssertUnharmedAsync(attempt);
    }

    [Fact]
    public async Task ServerErrorThenOk_IsRetriedOnTheSchedule_AndSucceeds()
    {
        FailOnceThenAnswerOk(StatusCodes.Status500InternalServerError);

        var (first, retry) = await FirstFailsThenRetrySucceedsAsync(TimeSpan.FromMinutes(1));

        Assert.Equal(AttemptOutcome.Failed, first.Outcome);
        Assert.Equal(500, first.ResponseStatus);
        Assert.Equal(FirstAnswer, first.ResponseBody);
        Assert.Equal("retry 1 of 7 scheduled at 2026-12-01 08:01:00 UTC", first.Messages);
        await AssertUnharmedAsync(first, retry);
    }

    [Theory]
    [InlineData(10, 60, "08:01:00")]
    [InlineData(90, 90, "08:01:30")]
    [InlineData(3600, 120, "08:02:00")]
    public async Task TooManyRequests_IsRetriedAfterRetryAfter_KeptWithinOneToTwoTimesTheSchedule(int retryAfter, int expectedDelay, string expectedAt)
    {
        FailOnceThenAnswerOk(StatusCodes.Status429TooManyRequests, r => r.Headers.RetryAfter = retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture));

        var (first, retry) = await FirstFailsThenRetrySucceedsAsync(TimeSpan.FromSeconds(expectedDelay));

        Assert.Equal(AttemptOutcome.Failed, first.Outcome);
        Assert.Equal(429, first.ResponseStatus);
        Assert.Contains($"\"value\":\"{retryAfter}\"", first.ResponseHeaders, StringComparison.Ordinal);
        Assert.Equal($"retry 1 of 7 scheduled at 2026-12-01 {expectedAt} UTC", first.Messages);
        await AssertUnharmedAsync(first, retry);
    }

    [Theory]
    [InlineData(301)]
    [InlineData(302)]
    [InlineData(307)]
    public async Task Redirect_IsNotFollowed_AndFails(int status)
    {
        H.Receiver.AnswerWith(status, headers: r => r.Headers.Location = "https://elsewhere.example.com/hook");

        var attempt = await SingleAttemptAsync();

        Assert.Equal(AttemptOutcome.Failed, attempt.Outcome);
        Assert.Equal(status, attempt.ResponseStatus);
        Assert.Equal($"redirect to https://elsewhere.example.com/hook not followed\n{NoRetry}", attempt.Messages);
        Assert.Single(H.Receiver.Requests);

        // Unharmed also means no name was resolved: elsewhere.example.com was never even looked up.
        await AssertUnharmedAsync(attempt);
    }

    [Fact]
    public async Task InvalidUtf8Body_IsStoredWithReplacementCharacters_AndNoted()
    {
        var latin1 = Encoding.Latin1.GetBytes("accepted: Größe");
        H.Receiver.Respond = (_, context) =>
        {
            context.Response.ContentType = "text/plain";
            return context.Response.Body.WriteAsync(latin1).AsTask();
        };

        var attempt = await SingleAttemptAsync();

        Assert.Equal(AttemptOutcome.Succeeded, attempt.Outcome);
        Assert.Equal(200, attempt.ResponseStatus);
        Assert.Equal("accepted: Gr\uFFFD\uFFFDe", attempt.ResponseBody);
        Assert.Equal(latin1.Length, attempt.ResponseBodySize);
        Assert.Equal("response body is not valid UTF-8; bytes that could not be decoded are shown as \uFFFD", attempt.Messages);
        await AssertUnharmedAsync(attempt);
    }

    [Fact]
    public async Task CloseWithoutAResponse_Fails_AndIsNotSentAgainSilently()
    {
        await using var receiver = RawSocketReceiver.Start(RawSocketReceiver.CloseWithoutAnswer);

        var attempt = await SingleAttemptAsync(receiver.Url());

        AssertFailedWithoutAResponse(attempt, "connection closed before a response");
        Assert.Equal(1, receiver.Requests);
        await AssertUnharmedAsync(attempt);
    }

    [Fact]
    public async Task NobodyListening_FailsAsConnectionRefused()
    {
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
        }

        var attempt = await SingleAttemptAsync($"http://127.0.0.1:{port}/hook");

        AssertFailedWithoutAResponse(attempt, "connection refused");
        await AssertUnharmedAsync(attempt);
    }

    [Fact]
    public async Task TlsAgainstAPlainHttpPort_FailsWithAMessageThatSaysWhatToFix()
    {
        var attempt = await SingleAttemptAsync($"https://127.0.0.1:{H.Receiver.BaseAddress.Port}/hook");

        AssertFailedWithoutAResponse(attempt, "TLS handshake failed: the receiver answered in plain HTTP, not TLS; use an http:// URL or the receiver's HTTPS port");
        Assert.Empty(H.Receiver.Requests);
        await AssertUnharmedAsync(attempt);
    }

    [Fact]
    public async Task NameUnderInvalid_IsRefusedWithoutAnyLookup()
    {
        // The form and the firewall refuse such a name now; a webhook and an opening stored before they did still meet
        // the guard at connect time, so both are written straight to the database here.
        await using (var db = H.Core.NewDb())
        {
            db.FirewallOpenings.Add(new FirewallOpening { Host = "erp.invalid", CreatedAt = H.Core.Time.GetUtcNow().UtcDateTime, CreatedBy = "support" });
            await db.SaveChangesAsync();
        }

        H.Core.Get<OpenedHostsCache>().Invalidate();
        var webhook = await H.WebhookAsync(w => w.EventTypes = ["so.changed"]);
        await using (var db = H.Core.NewDb())
        {
            await db.Webhooks.Where(w => w.Id == webhook.Id).ExecuteUpdateAsync(s => s.SetProperty(w => w.PayloadUrl, "https://erp.invalid/hook"));
        }

        var published = await H.PublishAsync("so.changed");
        await H.RunJobsAsync();
        var attempt = Assert.Single((await H.DeliveryAsync(published.EventId)).Attempts);

        AssertFailedWithoutAResponse(attempt, "Refused to connect to erp.invalid: names under .invalid never exist (RFC 6761); correct the host name");

        // Unharmed includes: the resolver was never asked, so no DNS query left the machine.
        await AssertUnharmedAsync(attempt);
    }

    [Fact]
    public async Task LoopbackName_IsRefusedByTheGuard_EvenWhenOpened_UnlessLoopbackIsAllowed()
    {
        await using var strict = await DeliveryHarness.StartAsync(new() { ["Portal:Delivery:AllowLoopback"] = "false" }, openLoopback: false);
        await strict.OpenFirewallAsync("localhost");
        await strict.WebhookAsync(w => (w.PayloadUrl, w.EventTypes) = ($"http://localhost:{strict.Receiver.BaseAddress.Port}/hook", ["so.changed"]));
        var published = await strict.PublishAsync("so.changed");

        await strict.RunJobsAsync();

        var attempt = Assert.Single((await strict.DeliveryAsync(published.EventId)).Attempts);
        AssertFailedWithoutAResponse(attempt, "Refused to connect to localhost at 127.0.0.1 (loopback) (and 1 more address): not opened in the firewall");
        Assert.Empty(strict.Receiver.Requests);
    }

    private void FailOnceThenAnswerOk(int status, Action<HttpResponse>? headers = null)
    {
        var answered = 0;
        H.Receiver.Respond = async (_, context) =>
        {
            var first = Interlocked.Increment(ref answered) == 1;
            context.Response.StatusCode = first ? status : StatusCodes.Status200OK;
            if (first)
            {
                headers?.Invoke(context.Response);
            }

            await context.Response.WriteAsync(first ? FirstAnswer : "ok");
        };
    }

    /// <summary>Sends a so.created event whose first attempt fails; checks its retry waits exactly
    /// <paramref name="delay"/> and then succeeds.</summary>
    private async Task<(Attempt First, Attempt Retry)> FirstFailsThenRetrySucceedsAsync(TimeSpan delay)
    {
        await H.WebhookAsync();
        var published = await H.PublishAsync("so.created");
        await H.RunJobsAsync();

        H.Core.Time.Advance(delay - TimeSpan.FromSeconds(1));
        await H.RunJobsAsync();
        Assert.Single(H.Receiver.Requests);
        H.Core.Time.Advance(TimeSpan.FromSeconds(1));
        await H.RunJobsAsync();

        var delivery = await H.DeliveryAsync(published.EventId);
        Assert.Equal(DeliveryStatus.Succeeded, delivery.Status);
        var attempts = delivery.Attempts.OrderBy(a => a.Number).ToList();
        Assert.Equal(2, attempts.Count);
        Assert.Equal(AttemptTrigger.AutomaticRetry, attempts[1].Trigger);
        Assert.Equal(AttemptOutcome.Succeeded, attempts[1].Outcome);
        Assert.Equal(200, attempts[1].ResponseStatus);
        Assert.Equal("", attempts[1].Messages);
        return (attempts[0], attempts[1]);
    }
}

/// <summary>
/// The 100 MB body, alone in its collection: nothing else runs while it measures the process's memory.
/// </summary>
[Collection(MemoryMeasurementCollection.Name)]
public sealed class FaultyReceiverMemoryTests(ITestOutputHelper output) : FaultyReceiverScenario
{
    private const long MiB = 1024 * 1024;

    [Fact]
    public async Task HundredMegabyteBody_IsStoredCutTo64KiB_ReadingStopsAt16MiB_AndMemoryStaysBounded()
    {
        var body = new StreamedBody(100 * MiB);
        await using var receiver = RawSocketReceiver.Start(body.SendAsync);

        var memory = MemorySampler.Start();
        var attempt = await SingleAttemptAsync(receiver.Url());
        var (peakGrowth, allocated) = await memory.StopAsync();
        await body.HungUp.Task.WaitAsync(TimeSpan.FromSeconds(10));
        output.WriteLine(FormattableString.Invariant(
            $"FAULTY body_mib=100 receiver_sent_mib={body.Sent / (double)MiB:0.0} peak_heap_growth_mib={peakGrowth / (double)MiB:0.0} allocated_mib={allocated / (double)MiB:0.0}"));

        Assert.Equal(AttemptOutcome.Succeeded, attempt.Outcome);
        Assert.Equal(200, attempt.ResponseStatus);
        Assert.Equal(new string('x', 64 * 1024), attempt.ResponseBody);
        Assert.True(attempt.ResponseBodyTruncated);
        Assert.Equal(100 * MiB, attempt.ResponseBodySize);
        Assert.Equal("response body cut to 64 KiB; reading stopped after 16,777,216 bytes of 104,857,600", attempt.Messages);

        // The sender hung up soon after 16 MiB: the rest of the 100 MB never left the receiver.
        Assert.InRange(body.Sent, 16 * MiB, 40 * MiB);

        // Nothing the sender read was kept beyond the 64 KiB it stores: far less was even allocated than it read.
        Assert.InRange(peakGrowth, 0, 40 * MiB);
        Assert.InRange(allocated, 0, 16 * MiB);
        await AssertUnharmedAsync(attempt);
    }

    /// <summary>Samples the managed heap while something runs, against a baseline taken after a full collection.</summary>
    private sealed class MemorySampler
    {
        private readonly long _baseline = GC.GetTotalMemory(forceFullCollection: true);
        private readonly long _allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        private readonly CancellationTokenSource _stop = new();
        private long _peak;
        private Task _sampling = Task.CompletedTask;

        public static MemorySampler Start()
        {
            var sampler = new MemorySampler();
            sampler._peak = sampler._baseline;
            sampler._sampling = Task.Run(sampler.SampleAsync);
            return sampler;
        }

        /// <summary>The highest heap size seen above the baseline, and the bytes allocated meanwhile.</summary>
        public async Task<(long PeakGrowth, long Allocated)> StopAsync()
        {
            await _stop.CancelAsync();
            await _sampling;
            _stop.Dispose();
            return (Math.Max(_peak, GC.GetTotalMemory(false)) - _baseline, GC.GetTotalAllocatedBytes(precise: true) - _allocatedBefore);
        }

        private async Task SampleAsync()
        {
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(2));
            try
            {
                do
                {
                    _peak = Math.Max(_peak, GC.GetTotalMemory(false));
                }
                while (await timer.WaitForNextTickAsync(_stop.Token));
            }
            catch (OperationCanceledException)
            {
                // Stopped.
            }
        }
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MemoryMeasurementCollection
{
    public const string Name = "Memory measurement";
}

/// <summary>A delivery harness for faulty-receiver tests: a 2 s timeout, no retry jitter, a resolver that records every
/// lookup (none may happen), and a second, healthy receiver to prove the portal unharmed.</summary>
public abstract class FaultyReceiverScenario : IAsyncLifetime
{
    protected const string NoRetry = "automatic retry exists only for so.created events; manual resend required";

    protected static readonly TimeSpan SendTimeout = TimeSpan.FromSeconds(2);

    private static readonly string[] Secrets = ["basic-secret-P4ss", Convert.ToBase64String("jakamo:basic-secret-P4ss"u8)];

    private readonly RecordingResolver _resolver = new();
    private TestReceiver _healthy = default!;

    protected DeliveryHarness H { get; private set; } = default!;

    public async Task InitializeAsync()
    {
        H = await DeliveryHarness.StartAsync(
            new()
            {
                ["Portal:Delivery:Timeout"] = SendTimeout.ToString("c"),
                ["Portal:Delivery:RetryJitter"] = "0",
            },
            configure: services => services.AddSingleton<IHostNameResolver>(_resolver));
        _healthy = await TestReceiver.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _healthy.DisposeAsync();
        await H.DisposeAsync();
    }

    /// <summary>One so.changed event (a single attempt, no automatic retry) to a new webhook at <paramref name="url"/>,
    /// by default the harness's receiver.</summary>
    protected async Task<Attempt> SingleAttemptAsync(string? url = null)
    {
        await H.WebhookAsync(w =>
        {
            w.EventTypes = ["so.changed"];
            w.PayloadUrl = url ?? w.PayloadUrl;
        });
        var published = await H.PublishAsync("so.changed");
        await H.RunJobsAsync();
        return Assert.Single((await H.DeliveryAsync(published.EventId)).Attempts);
    }

    /// <summary>A failed single attempt that got no response; <paramref name="message"/> is the sender's, followed by the engine's.</summary>
    protected static void AssertFailedWithoutAResponse(Attempt attempt, string message)
    {
        Assert.Equal(AttemptOutcome.Failed, attempt.Outcome);
        Assert.Null(attempt.ResponseStatus);
        Assert.Equal($"{message}\n{NoRetry}", attempt.Messages);
    }

    /// <summary>The attempts keep no secret, no host name was looked up, and the next delivery, to a healthy receiver,
    /// succeeds.</summary>
    protected async Task AssertUnharmedAsync(params Attempt[] attempts)
    {
        foreach (var attempt in attempts)
        {
            var stored = string.Join('\n', attempt.RequestUrl, attempt.RequestHeaders, attempt.ResponseHeaders, attempt.ResponseBody, attempt.Messages);
            Assert.All(Secrets, secret => Assert.DoesNotContain(secret, stored, StringComparison.Ordinal));
        }

        var healthy = await H.WebhookAsync(w => (w.PayloadUrl, w.EventTypes) = (_healthy.Url().ToString(), ["asn.created"]));
        var published = await H.PublishAsync("asn.created");
        await H.RunJobsAsync();

        var delivery = await H.DeliveryAsync(published.EventId, healthy.Id);
        Assert.Equal(DeliveryStatus.Succeeded, delivery.Status);
        Assert.Equal(200, Assert.Single(delivery.Attempts).ResponseStatus);
        Assert.Single(_healthy.Requests);
        Assert.Empty(_resolver.Asked);
    }
}
