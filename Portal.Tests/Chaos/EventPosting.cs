using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Jakamo.Portal.Tests.Infrastructure;

namespace Jakamo.Portal.Tests.Chaos;

/// <summary>
/// The platform's side of the crash and cluster tests: posts every planned event until a portal acknowledges it. A post
/// that gets no answer because the portal died is sent again with the same external ids (to whichever portal
/// <c>platform</c> gives then), so the portal returns the stored events instead of storing them twice.
/// </summary>
internal sealed class EventPosting(Func<HttpClient> platform, int integrationId, IEnumerable<Range> plan)
{
    private readonly ConcurrentQueue<Range> _posts = new(plan);
    private int _resent;

    /// <summary>The event id the portal acknowledged for each sequence number.</summary>
    public ConcurrentDictionary<int, long> Acknowledged { get; } = new();

    /// <summary>Posts sent more than once, because a try got no answer.</summary>
    public int Resent => Volatile.Read(ref _resent);

    /// <summary>The JSON message of event <paramref name="seq"/>, exactly as posted and as it must be delivered.</summary>
    public static string Payload(int seq) =>
        $$"""{"seq":{{seq.ToString(CultureInfo.InvariantCulture)}},"orderNumber":"CH-{{seq.ToString("D5", CultureInfo.InvariantCulture)}}","buyer":"Baltic Machinery AS"}""";

    public static int SeqOf(string externalId) => int.Parse(externalId["chaos-".Length..], CultureInfo.InvariantCulture);

    /// <summary>Events <paramref name="first"/> to <paramref name="first"/> + <paramref name="count"/> − 1 in posts: about a
    /// quarter single events through <c>POST /api/events</c>, the rest batches of 20 to 80 through
    /// <c>POST /api/events/batch</c>.</summary>
    public static List<Range> Plan(Random random, int first, int count)
    {
        var posts = new List<Range>();
        var end = first + count;
        for (var seq = first; seq < end;)
        {
            var size = random.NextDouble() < 0.25 ? 1 : Math.Min(end - seq, random.Next(20, 81));
            posts.Add(new Range(seq, seq + size));
            seq += size;
        }

        return posts;
    }

    /// <summary>A company with an SO integration, the receiver's host opened, and the three <see cref="ChaosWebhook"/>s
    /// with Basic auth; returns the integration's id.</summary>
    public static async Task<int> SetUpAsync(KillablePortal portal, TestReceiver receiver)
    {
        var companyId = (await portal.CreateAsync("api/companies", new { name = "Chaos Components Oy" })).GetProperty("id").GetInt32();
        var integration = await portal.CreateAsync("api/integrations", new { companyId, kind = "SalesOrder", name = "Chaos SO" });
        await portal.CreateAsync("api/firewall-openings", new { host = receiver.BaseAddress.Host, note = "test receiver" });
        foreach (var webhook in ChaosWebhook.All)
        {
            await portal.CreateAsync("api/webhooks", new
            {
                companyId,
                name = $"ERP {webhook.Number}",
                payloadUrl = new Uri(receiver.BaseAddress, webhook.Path.TrimStart('/')).ToString(),
                authMethod = "Basic",
                basicUserName = ChaosWebhook.UserName,
                basicPassword = webhook.Password,
                removeFromQueueOnSuccess = webhook.RemoveFromQueueOnSuccess,
                eventSelection = "Selected",
                eventTypes = new[] { "so.created" },
                enabled = true,
            });
        }

        return integration.GetProperty("id").GetInt32();
    }

    /// <summary>Posts until the plan is done, each post once <paramref name="mayPost"/> allows it.</summary>
    public async Task RunAsync(Func<Task<bool>> mayPost)
    {
        while (_posts.TryDequeue(out var post))
        {
            await Poll.UntilAsync(mayPost, TimeSpan.FromSeconds(60), "delivery to catch up with posting");
            var tries = 0;
            await Poll.UntilAsync(
                () =>
                {
                    tries++;
                    return TryPostAsync(post);
                },
                TimeSpan.FromSeconds(60),
                $"events {post} acknowledged");
            if (tries > 1)
            {
                Interlocked.Increment(ref _resent);
            }
        }
    }

    private async Task<bool> TryPostAsync(Range post)
    {
        var (first, count) = (post.Start.Value, post.End.Value - post.Start.Value);
        var events = Enumerable.Range(first, count).Select(seq => new
        {
            type = "so.created",
            integrationId,
            contentType = "application/json",
            payload = Payload(seq),
            externalId = $"chaos-{seq.ToString(CultureInfo.InvariantCulture)}",
            reference = $"CH-{seq.ToString("D5", CultureInfo.InvariantCulture)}",
            queue = ChaosWebhook.Queued(seq),
        }).ToList();
        try
        {
            var client = platform();
            using var response = count == 1
                ? await client.PostAsJsonAsync(new Uri("api/events", UriKind.Relative), events[0])
                : await client.PostAsJsonAsync(new Uri("api/events/batch", UriKind.Relative), new { events });
            if ((int)response.StatusCode >= 500)
            {
                return false;
            }

            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"Posting events {post} answered {(int)response.StatusCode}: {text}");
            var published = JsonDocument.Parse(text).RootElement;
            var ids = count == 1 ? [published] : published.EnumerateArray().ToList();
            for (var i = 0; i < count; i++)
            {
                var id = ids[i].GetProperty("eventId").GetInt64();
                Assert.Equal(id, Acknowledged.GetOrAdd(first + i, id));
            }

            return true;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or SocketException or IOException)
        {
            // Killed before it answered: the events may or may not be stored; the same post again settles it. A kill
            // in the middle of connecting can also surface as a bare SocketException (ENOTCONN from the remote address).
            return false;
        }
    }
}
