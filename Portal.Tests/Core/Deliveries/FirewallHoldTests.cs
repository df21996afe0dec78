using Jakamo.Portal.Core.Deliveries;

namespace Jakamo.Portal.Tests.Core.Deliveries;

/// <summary>SPEC "Firewall openings": deliveries to a host that is not opened are held, not failed, and go out once it is.</summary>
public sealed class FirewallHoldTests : IAsyncLifetime
{
    private DeliveryHarness _h = default!;

    public async Task InitializeAsync() => _h = await DeliveryHarness.StartAsync(openLoopback: false);

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task Delivery_IsHeld_UntilSupportOpensTheHost_ThenSent()
    {
        await _h.WebhookAsync(w => w.RemoveFromQueueOnSuccess = true);
        var published = await _h.PublishAsync("so.created", queue: true);
        await _h.RunJobsAsync();

        var held = await _h.DeliveryAsync(published.EventId);
        Assert.Equal(DeliveryStatus.Held, held.Status);
        Assert.Empty(_h.Receiver.Requests);
        Assert.Null((await _h.QueueMessageAsync(published.EventId)).RemovedAt);
        Assert.Contains("not opened in firewall", held.LastMessage, StringComparison.Ordinal);

        var before = await _h.Engine.RecoverAsync();
        Assert.Equal(0, before.Released);

        await _h.OpenFirewallAsync("127.0.0.1");
        var after = await _h.Engine.RecoverAsync();
        await _h.RunJobsAsync();

        Assert.Equal(1, after.Released);
        var sent = await _h.DeliveryAsync(published.EventId);
        Assert.Equal(DeliveryStatus.Succeeded, sent.Status);
        Assert.Single(_h.Receiver.Requests);
        Assert.NotNull((await _h.QueueMessageAsync(published.EventId)).RemovedAt);
    }

    [Fact]
    public async Task Webhook_ToAHostThatIsNotOpened_IsHeldFromTheStart_WithoutAJob()
    {
        var webhook = await _h.WebhookAsync();

        var published = await _h.PublishAsync("so.created");

        Assert.Equal(DeliveryStatus.Held, (await _h.DeliveryAsync(published.EventId)).Status);
        Assert.DoesNotContain(_h.Jobs.FirstAttempts, j => j.WebhookId == webhook.Id);
    }
}
