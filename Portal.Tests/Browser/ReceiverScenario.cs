using Jakamo.Portal.Core.Data;
using Jakamo.Portal.Core.Demo;
using Jakamo.Portal.Core.Events;
using Jakamo.Portal.Core.Firewall;
using Jakamo.Portal.Core.Webhooks;
using Jakamo.Portal.Tests.Builders;
using Jakamo.Portal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Jakamo.Portal.Tests.Browser;

/// <summary>A demo-mode portal whose Nordic webhook "ERP production" delivers to a real receiver on 127.0.0.1,
/// opened in the firewall.</summary>
public sealed class ReceiverScenario : IAsyncDisposable
{
    private ReceiverScenario(PortalAppFactory app, TestReceiver receiver, DemoDirectory demo, WebhookView webhook)
    {
        App = app;
        Receiver = receiver;
        Demo = demo;
        Webhook = webhook;
    }

    public PortalAppFactory App { get; }

    public TestReceiver Receiver { get; }

    public DemoDirectory Demo { get; }

    public WebhookView Webhook { get; }

    /// <param name="events">The event types the webhook selects.</param>
    /// <param name="quietDemoWebhook">Switch off the demo data's own webhook, so only the test's receiver answers events.</param>
    /// <param name="settings">More configuration for the portal.</param>
    public static async Task<ReceiverScenario> StartAsync(string[] events, bool quietDemoWebhook = false, Dictionary<string, string?>? settings = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["Portal:Webhooks:AllowHttp"] = "true",
            ["Portal:Delivery:AllowLoopback"] = "true",
        };
        foreach (var (key, value) in settings ?? [])
        {
            values[key] = value;
        }

        var app = new PortalAppFactory(demo: true, settings: values);
        var receiver = await TestReceiver.StartAsync();
        var demo = await DemoDirectory.LoadAsync(app);
        await app.Services.GetRequiredService<FirewallService>().AddAsync(TestData.Support, "127.0.0.1", "test receiver");
        var saved = await app.Services.GetRequiredService<WebhookService>().CreateAsync(TestData.AdminOf(demo.NordicId), TestData.Webhook(w =>
        {
            w.Name = "ERP production";
            w.PayloadUrl = receiver.Url("erp").ToString();
            w.EventTypes = [.. events];
        }));
        if (quietDemoWebhook)
        {
            await using var db = await app.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
            await db.Webhooks.Where(w => w.Name == DemoData.DemoWebhookName).ExecuteUpdateAsync(s => s.SetProperty(w => w.Enabled, false));
        }

        return new ReceiverScenario(app, receiver, demo, saved.Webhook);
    }

    /// <summary>Publishes an event for the supplier's SO integration through the in-process path of the events API.</summary>
    public Task<PublishedEvent> PublishAsync(string type, string reference) =>
        App.Services.GetRequiredService<EventIngestion>().PublishAsync(new EventInput
        {
            Type = type,
            IntegrationId = Demo.IntegrationIds[DemoData.SupplierSoProduction],
            ContentType = "application/xml",
            Payload = $"<Order><ID>{reference}</ID></Order>",
            Reference = reference,
        });

    public async ValueTask DisposeAsync()
    {
        await Receiver.DisposeAsync();
        await App.DisposeAsync();
    }
}
