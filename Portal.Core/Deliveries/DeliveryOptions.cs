namespace Jakamo.Portal.Core.Deliveries;

/// <summary>Settings under <c>Portal:Delivery</c> for the delivery engine.</summary>
public sealed class DeliveryOptions
{
    public const string SectionName = "Portal:Delivery";

    /// <summary>How many due first attempts one job takes for a webhook.</summary>
    public int BatchSize { get; set; } = 100;

    /// <summary>How many requests one job sends at once.</summary>
    public int Concurrency { get; set; } = 32;

    /// <summary>How long a claim on a delivery lasts; longer than the request timeout.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Delays of the automatic retries after the first failure (SPEC "Automatic retry").</summary>
    public List<TimeSpan> RetrySchedule { get; set; } = [];

    public double RetryJitter { get; set; } = 0.10;

    /// <summary>The portal's public address, for the X-Acknowledge-Uri header.</summary>
    public Uri PublicBaseUrl { get; set; } = new("http://localhost:5080/");

    public static IReadOnlyList<TimeSpan> DefaultRetrySchedule { get; } =
    [
        TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(15), TimeSpan.FromHours(1),
        TimeSpan.FromHours(4), TimeSpan.FromHours(12), TimeSpan.FromHours(24),
    ];

    public IReadOnlyList<TimeSpan> EffectiveRetrySchedule => RetrySchedule.Count > 0 ? RetrySchedule : DefaultRetrySchedule;
}

/// <summary>The automatic-retry rules: which deliveries retry, and when.</summary>
public static class RetryPolicy
{
    /// <summary>Only <c>so.created</c> events retry, and only when the webhook has not disabled it.</summary>
    public static bool Applies(string eventType, bool retryDisabled) =>
        eventType == Events.EventTypeCatalog.SoCreated && !retryDisabled;

    /// <summary>The delay before retry <paramref name="retryIndex"/> (0-based), with jitter, and a Retry-After kept
    /// within one to two times that delay. <paramref name="jitterSample"/> is uniform in [0, 1).</summary>
    public static TimeSpan Delay(IReadOnlyList<TimeSpan> schedule, int retryIndex, double jitter, double jitterSample, TimeSpan? retryAfter)
    {
        var scheduled = schedule[retryIndex];
        var jittered = scheduled * (1 + (((jitterSample * 2) - 1) * jitter));
        if (retryAfter is not { } asked)
        {
            return jittered;
        }

        return asked < jittered ? jittered : asked > jittered * 2 ? jittered * 2 : asked;
    }
}
