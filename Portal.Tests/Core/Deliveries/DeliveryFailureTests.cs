using Jakamo.Portal.Core.Deliveries;
using Jakamo.Portal.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Jakamo.Portal.Tests.Core.Deliveries;

/// <summary>Failures are recorded as attempts with a clear message, and never stop the next delivery.</summary>
public sealed class DeliveryFailureTests : IAsyncLifetime
{
    private DeliveryHarness _h = default!;

    public async Task InitializeAsync() => _h = await DeliveryHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task Timeout_IsRecordedAsAFailure()
    {
        await _h.WebhookAsync(w => w.EventTypes = ["so.changed"]);
        var release = new TaskCompletionSource();
        _h.Receiver.Respond = async (_, context) => await release.Task.WaitAsync(TimeSpan.FromSeconds(20));
        var published = await _h.PublishAsync("so.changed");

        var job = _h.RunJobsAsync();
        await Poll.UntilAsync(() => Task.FromResult(!_h.Receiver.Requests.IsEmpty), because: "the receiver got the request");
        _h.Core.Time.Advance(TimeSpan.FromSeconds(31));
        await job.WaitAsync(TimeSpan.FromSeconds(10));
        release.SetResult();

        var attempt = Assert.Single((await _h.DeliveryAsync(published.EventId)).Attempts);
        Assert.Equal(AttemptOutcome.Failed, attempt.Outcome);
        Assert.Null(attempt.ResponseStatus);
        Assert.Contains("timed out after 30 s", attempt.Messages, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RefusedConnection_IsRecordedAsAFailure()
    {
        var closedPort = await ClosedPortAsync();
        await _h.WebhookAsync(w =>
        {
            w.PayloadUrl = $"http://127.0.0.1:{closedPort}/hook";
            w.EventTypes = ["so.changed"];
        });
        var published = await _h.PublishAsync("so.changed");

        await _h.RunJobsAsync();

        var delivery = await _h.DeliveryAsync(published.EventId);
        Assert.Equal(DeliveryStatus.Failed, delivery.Status);
        Assert.Contains("connection refused", Assert.Single(delivery.Attempts).Messages, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(301)]
    [InlineData(302)]
    [InlineData(307)]
    public async Task Redirect_IsNotFollowed_AndCountsAsAFailure(int status)
    {
        await _h.WebhookAsync(w => w.EventTypes = ["so.changed"]);
        _h.Receiver.AnswerWith(status, headers: r => r.Headers.Location = "https://elsewhere.example.com/hook");
        var published = await _h.PublishAsync("so.changed");

        await _h.RunJobsAsync();

        var attempt = Assert.Single((await _h.DeliveryAsync(published.EventId)).Attempts);
        Assert.Single(_h.Receiver.Requests);
        Assert.Equal(AttemptOutcome.Failed, attempt.Outcome);
        Assert.Equal(status, attempt.ResponseStatus);
        Assert.Contains("redirect to https://elsewhere.example.com/hook not followed", attempt.Messages, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LargeResponseBody_IsStoredCutTo64KiB_WithItsFullSize()
    {
        await _h.WebhookAsync();
        _h.Receiver.Respond = async (_, context) =>
        {
            context.Response.StatusCode = 200;
            await context.Response.Body.WriteAsync(new byte[1024 * 1024].Select(_ => (byte)'x').ToArray());
        };
        var published = await _h.PublishAsync("so.created");

        await _h.RunJobsAsync();

        var attempt = Assert.Single((await _h.DeliveryAsync(published.EventId)).Attempts);
        Assert.Equal(64 * 1024, attempt.ResponseBody!.Length);
        Assert.True(attempt.ResponseBodyTruncated);
        Assert.Equal(1024 * 1024, attempt.ResponseBodySize);
        Assert.Contains("1,048,576 bytes in total", attempt.Messages, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BlockedAddress_IsRecordedWithTheGuardsReason_AndNothingIsSent()
    {
        await using var strict = await DeliveryHarness.StartAsync(new() { ["Portal:Delivery:AllowLoopback"] = "false" }, openLoopback: false);
        await strict.OpenFirewallAsync("localhost");
        await strict.WebhookAsync(w =>
        {
            w.PayloadUrl = $"http://localhost:{strict.Receiver.BaseAddress.Port}/hook";
            w.EventTypes = ["so.changed"];
        });
        var published = await strict.PublishAsync("so.changed");

        await strict.RunJobsAsync();

        var attempt = Assert.Single((await strict.DeliveryAsync(published.EventId)).Attempts);
        Assert.Empty(strict.Receiver.Requests);
        Assert.Equal(AttemptOutcome.Failed, attempt.Outcome);
        Assert.Contains("loopback", attempt.Messages, StringComparison.Ordinal);
        Assert.Contains("not opened in the firewall", attempt.Messages, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFailingWebhook_DoesNotHarmTheNextDelivery()
    {
        var broken = await _h.WebhookAsync(w => (w.PayloadUrl, w.EventTypes) = ("http://127.0.0.1:9/hook", ["so.changed"]));
        var healthy = await _h.WebhookAsync(w => w.EventTypes = ["so.changed"]);
        var published = await _h.PublishAsync("so.changed");

        await _h.RunJobsAsync();

        Assert.Equal(DeliveryStatus.Failed, (await _h.DeliveryAsync(published.EventId, broken.Id)).Status);
        Assert.Equal(DeliveryStatus.Succeeded, (await _h.DeliveryAsync(published.EventId, healthy.Id)).Status);
    }

    private static async Task<int> ClosedPortAsync()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        await Task.Yield();
        return port;
    }
}
