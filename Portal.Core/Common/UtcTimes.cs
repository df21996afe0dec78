namespace Jakamo.Portal.Core.Common;

/// <summary>The portal stores and compares times in UTC. A time from outside (a query string, a date picker) that
/// does not say its zone is taken as UTC; a local one is converted. Every provider then compares like with like, and
/// PostgreSQL's timestamptz, which refuses a time of unknown zone, accepts it.</summary>
public static class UtcTimes
{
    public static DateTime AsUtc(this DateTime value) => value.Kind switch
    {
        DateTimeKind.Utc => value,
        DateTimeKind.Local => value.ToUniversalTime(),
        _ => DateTime.SpecifyKind(value, DateTimeKind.Utc),
    };
}
