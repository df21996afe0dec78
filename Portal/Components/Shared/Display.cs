using System.Globalization;

namespace Jakamo.Portal.Components.Shared;

/// <summary>How figures read on the dashboard and in webhook health: invariant, times in UTC to the minute, "—" for none.</summary>
internal static class Display
{
    public static string Number(int value) => value.ToString("N0", CultureInfo.InvariantCulture);

    public static string Percent(double? share) => share is { } s ? (s * 100).ToString("0.#", CultureInfo.InvariantCulture) + " %" : "—";

    public static string Milliseconds(int? ms) => ms is { } value ? string.Create(CultureInfo.InvariantCulture, $"{value:N0} ms") : "—";

    public static string Time(DateTime? at) => at?.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) ?? "—";
}
