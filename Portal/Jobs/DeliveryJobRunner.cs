using System.Collections.Concurrent;
using System.ComponentModel;
using Hangfire;
using Hangfire.States;
using Jakamo.Portal.Core.Deliveries;

namespace Jakamo.Portal.Jobs;

/// <summary>The Hangfire jobs. Each is idempotent (the engine works only on rows it can claim) and Hangfire's own
/// retries are off: the delivery engine owns the retry schedule. The extra arguments make the dashboard readable.</summary>
public sealed class DeliveryJobRunner(DeliveryEngine engine, RetentionService retention)
{
    [JobDisplayName("Deliver {1} {2} → {3}")]
    [AutomaticRetry(Attempts = 0)]
    public Task DeliverAsync(int webhookId, int count, string eventType, string webhookName, CancellationToken cancellationToken) =>
        engine.DeliverFirstAttemptsAsync(webhookId, cancellationToken);

    [JobDisplayName("Retry {1}/{2} {3} {4} → {5}")]
    [AutomaticRetry(Attempts = 0)]
    public Task RetryAsync(long deliveryId, int retry, int total, string eventType, string eventRef, string webhookName, CancellationToken cancellationToken) =>
        engine.RetryAsync(deliveryId, cancellationToken);

    [JobDisplayName("Resend {1} {2} → {3} (asked by {4})")]
    [AutomaticRetry(Attempts = 0)]
    public Task ResendAsync(long deliveryId, string eventType, string eventRef, string webhookName, string requestedBy, CancellationToken cancellationToken) =>
        engine.ResendAsync(deliveryId, cancellationToken);

    // No [DisableConcurrentExecution]: a pass only enqueues jobs and makes idempotent updates, so passes on two nodes
    // cannot harm each other, while that lock, in a shared job store, outlives a node killed during a pass and would
    // stop every other node's recovery until the store expires it (minutes), the deliveries the dead node held with it.
    [JobDisplayName("Recover due deliveries")]
    [AutomaticRetry(Attempts = 0)]
    public Task RecoverAsync(CancellationToken cancellationToken) => engine.RecoverAsync(cancellationToken);

    [JobDisplayName("Delete attempt payloads past retention")]
    [AutomaticRetry(Attempts = 0)]
    public Task PurgeAsync(CancellationToken cancellationToken) => retention.PurgeAsync(cancellationToken);
}

/// <summary>Puts the engine's work on Hangfire.</summary>
internal sealed class HangfireDeliveryJobs(IBackgroundJobClient client, JobStorage storage, TimeProvider time) : IDeliveryJobs
{
    /// <summary>How long a waiting first-attempts job is trusted to start. A job fetched by a node that then died stays
    /// "Enqueued" in the shared storage until its invisibility timeout (minutes), so trusting it for longer would hold
    /// back the webhook's deliveries, the recovery pass's included, for that long; an extra job only finds nothing.</summary>
    internal static readonly TimeSpan TrustWaitingJobFor = TimeSpan.FromSeconds(10);

    // The last first-attempts job made per webhook, and when. While it still waits in the queue it will claim whatever
    // is due when it starts, so another one would only find nothing to do.
    private readonly ConcurrentDictionary<int, (string JobId, long At)> _waiting = new();

    public void EnqueueFirstAttempts(DeliveryJobInfo info)
    {
        var now = time.GetTimestamp();
        if (_waiting.TryGetValue(info.WebhookId, out var waiting) && time.GetElapsedTime(waiting.At, now) < TrustWaitingJobFor && StillQueued(waiting.JobId))
        {
            return;
        }

        _waiting[info.WebhookId] = (client.Enqueue<DeliveryJobRunner>(
            r => r.DeliverAsync(info.WebhookId, info.Count, info.EventType, info.WebhookName, CancellationToken.None)), now);
    }

    public void ScheduleRetry(DeliveryJobInfo info, DateTime dueAt) =>
        client.Schedule<DeliveryJobRunner>(
            r => r.RetryAsync(info.DeliveryId!.Value, info.RetryNumber, info.RetryTotal, info.EventType, info.EventRef ?? "", info.WebhookName, CancellationToken.None),
            new DateTimeOffset(DateTime.SpecifyKind(dueAt, DateTimeKind.Utc)));

    public void EnqueueResend(DeliveryJobInfo info) =>
        client.Enqueue<DeliveryJobRunner>(r => r.ResendAsync(info.DeliveryId!.Value, info.EventType, info.EventRef ?? "", info.WebhookName, info.RequestedBy ?? "", CancellationToken.None));

    /// <summary>True while the job has not started. The caller's rows are committed before it asks, and a job claims rows
    /// only after it starts, so a job seen still queued is sure to find them. The state is read from the job storage,
    /// which every node shares.</summary>
    private bool StillQueued(string jobId)
    {
        using var connection = storage.GetConnection();
        return connection.GetStateData(jobId)?.Name == EnqueuedState.StateName;
    }
}
