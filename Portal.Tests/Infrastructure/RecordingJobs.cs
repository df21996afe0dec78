using System.Collections.Concurrent;
using Jakamo.Portal.Core.Deliveries;

namespace Jakamo.Portal.Tests.Infrastructure;

/// <summary>An <see cref="IDeliveryJobs"/> that records what the engine enqueues, so a test runs the jobs itself
/// (and scheduled retries only once the fake clock reaches them).</summary>
public sealed class RecordingJobs : IDeliveryJobs
{
    public ConcurrentQueue<DeliveryJobInfo> FirstAttempts { get; } = new();

    public ConcurrentQueue<(DeliveryJobInfo Info, DateTime DueAt)> Retries { get; } = new();

    public ConcurrentQueue<DeliveryJobInfo> Resends { get; } = new();

    /// <summary>Makes the job system refuse first-attempt jobs, as a job store that is down would.</summary>
    public bool Unavailable { get; set; }

    public void EnqueueFirstAttempts(DeliveryJobInfo info)
    {
        if (Unavailable)
        {
            throw new InvalidOperationException("The job store is not reachable.");
        }

        FirstAttempts.Enqueue(info);
    }

    public void ScheduleRetry(DeliveryJobInfo info, DateTime dueAt) => Retries.Enqueue((info, dueAt));

    public void EnqueueResend(DeliveryJobInfo info) => Resends.Enqueue(info);
}
