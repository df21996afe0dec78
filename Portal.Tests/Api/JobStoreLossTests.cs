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

namespace Jakamo.Portal.Tests.Api;

/// <summary>SPEC "Data stays safe": the database is the truth; a host whose job store is empty still makes every delivery.</summary>
public sealed class JobStoreLossTests
{
    [Fact]
    public async Task CommittedDeliveries_AreAllMade_ByAFreshHostWithAnEmptyJobStore()
    {
        using var folder = new TempDirectory();
        var database = $"Data Source={folder.File("portal.db")}";
        await using var receiver = await TestReceiver.StartAsync();
        var lostJobs = new RecordingJobs();
        const int events = 30;

        await using (var core = await CoreServices.CreateAsync(
            new() { ["Database:ConnectionString"] = database, ["Portal:Webhooks:AllowHttp"] = "true" },
            services => services.Replace(ServiceDescriptor.Singleton<IDeliveryJobs>(lostJobs))))
        {
            await using var db = core.NewDb();
            var company = await TestData.CompanyAsync(db, "Nordic Components");
            var so = await TestData.IntegrationAsync(db, company.Id, IntegrationKind.SalesOrder);
            await core.Get<FirewallService>().AddAsync(TestData.Support, "127.0.0.1", null);
            var webhook = await core.Get<WebhookService>().CreateAsync(TestData.AdminOf(company.Id), TestData.Webhook(w => w.PayloadUrl = receiver.Url().ToString()));
            for (var i = 0; i < events; i++)
            {
                await core.Get<EventIngestion>().PublishAsync(new EventInput { Type = "so.created", IntegrationId = so.Id, ContentType = "application/xml", Payload = $"<o>{i}</o>" });
            }

            Assert.Equal(events, await db.Deliveries.CountAsync(d => d.WebhookId == webhook.Webhook.Id && d.Status == DeliveryStatus.Pending));
            Assert.NotEmpty(lostJobs.FirstAttempts);
        }

        using var app = new PortalAppFactory(settings: new()
        {
            ["Database:ConnectionString"] = database,
            ["Portal:Webhooks:AllowHttp"] = "true",
            ["Portal:Delivery:AllowLoopback"] = "true",
        });
        _ = app.BaseAddress;

        await Poll.UntilAsync(() => Task.FromResult(receiver.Requests.Count >= events), TimeSpan.FromSeconds(30), $"all {events} deliveries arrived");
        await Poll.UntilAsync(async () =>
        {
            await using var db = await app.Services.GetRequiredService<IDbContextFactory<Jakamo.Portal.Core.Data.PortalDbContext>>().CreateDbContextAsync();
            return await db.Deliveries.CountAsync(d => d.Status == DeliveryStatus.Succeeded) == events;
        }, TimeSpan.FromSeconds(10), "every delivery recorded as succeeded");
        Assert.Equal(
            Enumerable.Range(0, events).Select(i => $"<o>{i}</o>").Order(),
            receiver.Requests.Select(r => System.Text.Encoding.UTF8.GetString(r.Body)).Distinct().Order());
    }
}
