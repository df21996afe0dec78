namespace Jakamo.Portal.Core.Deliveries;

/// <summary>Puts delivery work on the job system. The database stays the truth: a lost job is found again by recovery.</summary>
public interface IDeliveryJobs
{
    /// <summary>A batch job that sends whatever first attempts are due for the webhook.</summary>
    void EnqueueFirstAttempts(DeliveryJobInfo info);

    /// <summary>A job of its own for one automatic retry, run at <paramref name="dueAt"/>.</summary>
    void ScheduleRetry(DeliveryJobInfo info, DateTime dueAt);

    /// <summary>A job of its own for one manual resend.</summary>
    void EnqueueResend(DeliveryJobInfo info);
}

/// <summary>What a job needs, plus what makes its name readable on the dashboard.</summary>
public sealed record DeliveryJobInfo(int WebhookId, string WebhookName, string EventType, long? DeliveryId = null, string? EventRef = null, int Count = 1, int RetryNumber = 0, int RetryTotal = 0, string? RequestedBy = null);
