using System.Globalization;

namespace Jakamo.Portal.Tests.Chaos;

/// <summary>
/// One of the crash test's three webhooks: its path on the counting receiver, its "remove entry from queue on success"
/// box, and the status the receiver answers for each event (by the event's sequence number in the test), chosen so that
/// the queue-removal rule gives a different outcome for different events.
/// </summary>
public sealed record ChaosWebhook(int Number, bool RemoveFromQueueOnSuccess, Func<int, int> Answer)
{
    public const string UserName = "chaos";

    /// <summary>With the box ticked: 200 for odd events, 202 (keeps the item) for even ones. Box clear: always 200. Box
    /// ticked: 202 for every third event, 201 or 204 for the others. So an event's queue item is removed unless its
    /// number is a multiple of 6.</summary>
    public static IReadOnlyList<ChaosWebhook> All { get; } =
    [
        new(1, true, seq => seq % 2 == 0 ? 202 : 200),
        new(2, false, _ => 200),
        new(3, true, seq => (seq % 3) switch { 0 => 202, 1 => 201, _ => 204 }),
    ];

    public string Path => $"/hooks/{Number.ToString(CultureInfo.InvariantCulture)}";

    public string Password => $"chaos-basic-password-{Number.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The events the test posts with a queue item: all but every fifth.</summary>
    public static bool Queued(int seq) => seq % 5 != 4;

    /// <summary>SPEC "Removal from the queue", once every webhook has made its first attempt: the item goes when a webhook
    /// with the box ticked got 200, 201 or 204.</summary>
    public static bool RemovalHolds(int seq) =>
        Queued(seq) && All.Any(w => w.RemoveFromQueueOnSuccess && w.Answer(seq) is 200 or 201 or 204);
}
