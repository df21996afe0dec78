using System.Globalization;
using Jakamo.Portal.Core.Monitoring;
using Jakamo.Portal.Core.Security;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace Jakamo.Portal.Features.Dashboard;

/// <summary>Support's view of every company's deliveries: figures, deliveries per hour, failing webhooks and bulk resend.</summary>
public sealed partial class SupportDashboardPage
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    private readonly StackedBarChartOptions _chartOptions = new()
    {
        // Succeeded, failed, held or pending: the colours of the status chips.
        ChartPalette = ["#4caf50", "#f44336", "#ff9800"],
        YAxisTicks = 0,
        MaxNumYAxisTicks = 6,
        XAxisLabelInterval = 2,
        ShowZeroValues = false,
        ShowToolTips = true,
    };

    private PortalActor? _actor;
    private DashboardSummary? _summary;
    private List<ChartSeries<double>> _series = [];
    private string[] _hours = [];
    private bool _loading;
    private BulkResendPanel? _bulk;

    [Inject]
    private DashboardService Dashboard { get; set; } = default!;

    protected override async Task OnInitializedAsync()
    {
        _actor = await GetActorAsync();
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        _loading = true;
        try
        {
            _summary = await Dashboard.GetAsync(_actor!);
            _hours = [.. _summary.Hourly.Select(h => h.HourStart.ToString("HH:00", Invariant))];
            _series =
            [
                new() { Name = "Succeeded", Data = _summary.Hourly.Select(h => (double)h.Succeeded).ToArray() },
                new() { Name = "Failed", Data = _summary.Hourly.Select(h => (double)h.Failed).ToArray() },
                new() { Name = "Held or pending", Data = _summary.Hourly.Select(h => (double)h.HeldOrPending).ToArray() },
            ];
        }
        finally
        {
            _loading = false;
        }
    }

    private Task ResendFailedAsync(FailingWebhook webhook) => _bulk?.ResendFailedOfAsync(webhook.CompanyId, webhook.WebhookId) ?? Task.CompletedTask;

    private static Color RateColor(double? rate) => rate switch
    {
        null => Color.Default,
        >= 0.99 => Color.Success,
        >= 0.9 => Color.Warning,
        _ => Color.Error,
    };
}
