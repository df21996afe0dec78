using Jakamo.Portal.Core.Companies;
using Jakamo.Portal.Core.Deliveries;
using Jakamo.Portal.Core.Events;
using Jakamo.Portal.Core.Firewall;
using Jakamo.Portal.Core.Integrations;
using Jakamo.Portal.Core.Webhooks;
using Jakamo.Portal.Tests.Builders;
using Jakamo.Portal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Jakamo.Portal.Tests.Core.Deliveries;

/// <summary>The delivery engine over a real SQLite file (or a fresh PostgreSQL database), sending with the real sender to a real Kestrel receiver on
/// 127.0.0.1, with a fake clock and the jobs run by the test.</summary>
public sealed class DeliveryHarness : IAsyncDisposable
{
    private DeliveryHarness(CoreServices core, TestReceiver receiver, RecordingJobs jobs)
    {
        Core = core;
        Receiver = receiver;
        Jobs = jobs;
    }

    public CoreServices Core { get; }

    public TestReceiver Receiver { get; }

    public RecordingJobs Jobs { get; }

    public Company Company { get; private set; } = default!;

    public Integration SalesOrder { get; private set; } = default!;

    public Integration Asn { get; private set; } = default!;

    public Integration PurchaseOrder { get; private set; } = default!;

    public DeliveryEngine Engine => Core.Get<DeliveryEngine>();

    public static async Task<DeliveryHarness> StartAsync(
        Dictionary<string, string?>? settings = null, bool openLoopback = true, Action<IServiceCollection>? configure = null, bool onPostgreSql = false)
    {
        var values = new Dictionary<string, string?>
        {
            ["Portal:Webhooks:AllowHttp"] = "true",
            ["Portal:Delivery:AllowLoopback"] = "true",
            ["Portal:Delivery:PublicBaseUrl"] = "https://portal.example.com/",
        };
        foreach (var (key, value) in settings ?? [])
        {
            values[key] = value;
        }

        var jobs = new RecordingJobs();
        void Configure(IServiceCollection services)
        {
            services.Replace(ServiceDescriptor.Singleton<IDeliveryJobs>(jobs));
            configure?.Invoke(services);
        }

        var core = onPostgreSql ? await CoreServices.CreateOnPostgreSqlAsync(values, Configure) : await CoreServices.CreateAsync(values, Configure);
        var harness = new DeliveryHarness(core, await TestReceiver.StartAsync(), jobs);
        await using var db = core.NewDb();
        harness.Company = await TestData.CompanyAsync(db, "Nordic Components");
        harness.SalesOrder = await TestData.IntegrationAsync(db, harness.Company.Id, IntegrationKind.SalesOrder, "SO production");
        harness.Asn = await TestData.IntegrationAsync(db, harness.Company.Id, IntegrationKind.Asn, "ASN warehouse");
        harness.PurchaseOrder = await TestData.IntegrationAsync(db, harness.Company.Id, IntegrationKind.PurchaseOrder, "PO purchasing");
        if (openLoopback)
        {
            await harness.OpenFirewallAsync("127.0.0.1");
        }

        return harness;
    }

    public async Task OpenFirewallAsync(string host)
    {
        await Core.Get<FirewallService>().AddAsync(TestData.Support, host, null);
    }

    public async Task<WebhookView> WebhookAsync(Action<WebhookInput>? change = null, string path = "hook")
    {
        var saved = await Core.Get<WebhookService>().CreateAsync(TestData.AdminOf(Company.Id), TestData.Webhook(w =>
        {
            w.Name = $"ERP {Guid.NewGuid():n}"[..12];
            w.PayloadUrl = Receiver.Url(path).ToString();
            change?.Invoke(w);
        }));
        return saved.Webhook;
    }

    public Task<PublishedEvent> PublishAsync(string type, Integration? integration = null, string? payload = null, bool queue = false, string? contentType = null) =>
        Core.Get<EventIngestion>().PublishAsync(new EventInput
        {
            Type = type,
            IntegrationId = (integration ?? (type.StartsWith("asn", StringComparison.Ordinal) ? Asn : SalesOrder)).Id,
            ContentType = contentType ?? (type.StartsWith("asn", StringComparison.Ordinal) ? "application/json" : "application/xml"),
            Payload = payload ?? (type.StartsWith("asn", StringComparison.Ordinal) ? "{\"asn\":\"A-1\"}" : "<Order><ID>4711</ID></Order>"),
            Queue = queue,
        });

    /// <summary>Runs every enqueued first-attempt and resend job, and the retries the fake clock has reached.</summary>
    public async Task RunJobsAsync()
    {
        var progress = true;
        while (progress)
        {
            progress = false;
            while (Jobs.FirstAttempts.TryDequeue(out var first))
            {
                await Engine.DeliverFirstAttemptsAsync(first.WebhookId);
                progress = true;
            }

            while (Jobs.Resends.TryDequeue(out var resend))
            {
                await Engine.ResendAsync(resend.DeliveryId!.Value);
                progress = true;
            }

            var now = Core.Time.GetUtcNow().UtcDateTime;
            var waiting = new List<(DeliveryJobInfo Info, DateTime DueAt)>();
            while (Jobs.Retries.TryDequeue(out var retry))
            {
                if (retry.DueAt <= now)
                {
                    await Engine.RetryAsync(retry.Info.DeliveryId!.Value);
                    progress = true;
                }
                else
                {
                    waiting.Add(retry);
                }
            }

            waiting.ForEach(Jobs.Retries.Enqueue);
        }
    }

    public async Task<Delivery> DeliveryAsync(long eventId, int? webhookId = null)
    {
        await using var db = Core.NewDb();
        return await db.Deliveries.AsNoTracking().Include(d => d.Attempts)
            .SingleAsync(d => d.EventId == eventId && (webhookId == null || d.WebhookId == webhookId));
    }

    public async Task<Jakamo.Portal.Core.Queue.QueueMessage> QueueMessageAsync(long eventId)
    {
        await using var db = Core.NewDb();
        return await db.QueueMessages.AsNoTracking().SingleAsync(q => q.EventId == eventId);
    }

    public async ValueTask DisposeAsync()
    {
        await Receiver.DisposeAsync();
        await Core.DisposeAsync();
    }
}
