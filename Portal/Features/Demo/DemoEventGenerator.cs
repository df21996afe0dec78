using System.Globalization;
using Jakamo.Portal.Core.Data;
using Jakamo.Portal.Core.Demo;
using Jakamo.Portal.Core.Events;
using Jakamo.Portal.Core.Integrations;
using Microsoft.EntityFrameworkCore;

namespace Jakamo.Portal.Features.Demo;

/// <summary>Whether the demo generator runs, and what it has published.</summary>
public sealed class DemoGeneratorState
{
    private int _published;

    public bool Running { get; private set; }

    public DateTime? StartedAt { get; private set; }

    public int Published => _published;

    public string? LastError { get; internal set; }

    public void Start(DateTime now) => (Running, StartedAt, LastError) = (true, now, null);

    public void Stop() => Running = false;

    internal void Count() => Interlocked.Increment(ref _published);
}

/// <summary>Publishes an SO and an ASN event every few seconds through the same path as the events API, while
/// support has it switched on. It switches itself off after half an hour, so a forgotten demo does not run forever.</summary>
internal sealed partial class DemoEventGenerator(
    DemoGeneratorState state,
    EventIngestion ingestion,
    IDbContextFactory<PortalDbContext> dbFactory,
    TimeProvider time,
    ILogger<DemoEventGenerator> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan MaxRun = TimeSpan.FromMinutes(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            if (!state.Running)
            {
                continue;
            }

            if (time.GetUtcNow().UtcDateTime - state.StartedAt > MaxRun)
            {
                state.Stop();
                continue;
            }

            try
            {
                await PublishPairAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                state.LastError = ex.Message;
                LogFailed(ex);
            }
        }
    }

    private async Task PublishPairAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var integrations = await db.Integrations.AsNoTracking()
            .Where(i => i.Company!.Name == DemoData.SupplierName && (i.Kind == IntegrationKind.SalesOrder || i.Kind == IntegrationKind.Asn))
            .ToListAsync(ct);
        var so = integrations.FirstOrDefault(i => i.Name == DemoData.SupplierSoProduction);
        var asn = integrations.FirstOrDefault(i => i.Kind == IntegrationKind.Asn);
        if (so is null || asn is null)
        {
            return;
        }

        var number = (state.Published / 2) + 1;
        var order = $"SO-{time.GetUtcNow():yyMMdd}-{number:0000}";
        await ingestion.PublishAsync(new EventInput
        {
            Type = EventTypeCatalog.SoCreated,
            IntegrationId = so.Id,
            ContentType = "application/xml",
            Payload = DemoPayloads.SalesOrder(order, time.GetUtcNow()),
            Reference = order,
            ExternalId = $"demo-{order}",
            Queue = true,
        }, ct);
        state.Count();
        await ingestion.PublishAsync(new EventInput
        {
            Type = EventTypeCatalog.AsnCreated,
            IntegrationId = asn.Id,
            ContentType = "application/json",
            Payload = DemoPayloads.Asn(order, time.GetUtcNow()),
            Reference = $"ASN-{order}",
            ExternalId = $"demo-asn-{order}",
            Queue = true,
        }, ct);
        state.Count();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The demo event generator could not publish.")]
    private partial void LogFailed(Exception exception);
}

/// <summary>Small but realistic demo messages: UBL XML for the sales order, JSON for the ASN.</summary>
internal static class DemoPayloads
{
    public static string SalesOrder(string order, DateTimeOffset at) => $"""
        <?xml version="1.0" encoding="UTF-8"?>
        <Order xmlns="urn:oasis:names:specification:ubl:schema:xsd:Order-2" xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2" xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2">
          <cbc:ID>{order}</cbc:ID>
          <cbc:IssueDate>{at.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}</cbc:IssueDate>
          <cac:BuyerCustomerParty><cac:Party><cac:PartyName><cbc:Name>{DemoData.BuyerName}</cbc:Name></cac:PartyName></cac:Party></cac:BuyerCustomerParty>
          <cac:OrderLine><cac:LineItem><cbc:ID>1</cbc:ID><cbc:Quantity unitCode="EA">12</cbc:Quantity><cac:Item><cbc:Name>Hydraulic valve HV-220</cbc:Name></cac:Item></cac:LineItem></cac:OrderLine>
        </Order>
        """;

    public static string Asn(string order, DateTimeOffset at) =>
        $$"""{"asnNumber":"ASN-{{order}}","orderNumber":"{{order}}","shipDate":"{{at.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}}","lines":[{"line":1,"item":"HV-220","quantity":12}]}""";
}
