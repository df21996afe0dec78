using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Jakamo.Portal.Tests.Infrastructure;

namespace Jakamo.Portal.Tests.Chaos;

/// <summary>
/// The counting receiver's books: every (event, webhook) pair it got and how often, and every request that was not a
/// well-formed delivery of the crash test's events. It also decides each answer, from <see cref="ChaosWebhook.Answer"/>.
/// </summary>
internal sealed class ReceptionLedger(Uri portal)
{
    private readonly ConcurrentDictionary<(long EventId, int Webhook), Reception> _pairs = new();
    private int _requests;

    /// <summary>Requests that broke a rule of the delivery contract, described.</summary>
    public ConcurrentQueue<string> Unexpected { get; } = new();

    public int Requests => Volatile.Read(ref _requests);

    /// <summary>Distinct (event, webhook) pairs received.</summary>
    public int Pairs => _pairs.Count;

    public IReadOnlyDictionary<(long EventId, int Webhook), Reception> Received => _pairs;

    /// <summary>Records one request and returns the status to answer.</summary>
    public int Record(ReceivedRequest request)
    {
        Interlocked.Increment(ref _requests);
        var webhook = ChaosWebhook.All.FirstOrDefault(w => w.Path == request.Path);
        if (webhook is null || request.Method != "POST")
        {
            return Reject($"{request.Method} {request.Path}: not one of the webhooks");
        }

        if (!request.Headers.TryGetValue("X-Jakamo-Event-Id", out var eventHeader) || !long.TryParse(eventHeader, CultureInfo.InvariantCulture, out var eventId)
            || !request.Headers.TryGetValue("X-Jakamo-Delivery-Id", out var deliveryId) || SequenceOf(request.Body) is not { } seq)
        {
            return Reject($"{request.Path}: no event id, delivery id or sequence number");
        }

        var problems = Problems(request, webhook, seq);
        var reception = _pairs.GetOrAdd((eventId, webhook.Number), _ => new Reception(seq, deliveryId));
        reception.Add();
        if (reception.Seq != seq || reception.DeliveryId != deliveryId)
        {
            problems.Add($"event {eventId} came as sequence {seq} with delivery {deliveryId}, before as {reception.Seq} with {reception.DeliveryId}");
        }

        foreach (var problem in problems)
        {
            Unexpected.Enqueue($"{request.Path} event {eventId}: {problem}");
        }

        return webhook.Answer(seq);
    }

    private static int? SequenceOf(byte[] body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.TryGetProperty("seq", out var seq) && seq.TryGetInt32(out var value) ? value : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private List<string> Problems(ReceivedRequest request, ChaosWebhook webhook, int seq)
    {
        var problems = new List<string>();
        var basic = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{ChaosWebhook.UserName}:{webhook.Password}"));
        Expect(request.Headers.GetValueOrDefault("Authorization") == basic, "wrong Authorization");
        Expect(request.Headers.GetValueOrDefault("X-Jakamo-Event") == "so.created", "wrong X-Jakamo-Event");
        Expect(request.Headers.GetValueOrDefault("Content-Type") == "application/json", "wrong Content-Type");
        Expect(Encoding.UTF8.GetString(request.Body) == EventPosting.Payload(seq), "body differs from the posted payload");
        var acknowledge = request.Headers.GetValueOrDefault("X-Acknowledge-Uri");
        Expect(ChaosWebhook.Queued(seq)
            ? acknowledge?.StartsWith(new Uri(portal, "api/queue/").ToString(), StringComparison.Ordinal) == true
            : acknowledge is null, $"X-Acknowledge-Uri '{acknowledge}' for an event {(ChaosWebhook.Queued(seq) ? "with" : "without")} a queue item");
        return problems;

        void Expect(bool holds, string problem)
        {
            if (!holds)
            {
                problems.Add(problem);
            }
        }
    }

    private int Reject(string problem)
    {
        Unexpected.Enqueue(problem);
        return 400;
    }
}

/// <summary>One (event, webhook) pair at the receiver: its sequence number and delivery id, and how often it came.</summary>
public sealed class Reception(int seq, string deliveryId)
{
    private int _count;

    public int Seq { get; } = seq;

    public string DeliveryId { get; } = deliveryId;

    public int Count => Volatile.Read(ref _count);

    public void Add() => Interlocked.Increment(ref _count);
}
