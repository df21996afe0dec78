using Jakamo.Portal.Core.Common;
using Jakamo.Portal.Core.Companies;
using Jakamo.Portal.Core.Deliveries;
using Jakamo.Portal.Core.Monitoring;
using Jakamo.Portal.Core.Security;
using Jakamo.Portal.Core.Webhooks;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace Jakamo.Portal.Features.Dashboard;

/// <summary>Support's bulk resend by filter: the count is confirmed first, then progress is read from the database until every
/// resend request has been consumed by the engine, then a summary.</summary>
public sealed partial class BulkResendPanel : IDisposable
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    private readonly CancellationTokenSource _disposed = new();
    private IReadOnlyList<CompanyView> _companies = [];
    private IReadOnlyList<WebhookView> _webhooks = [];
    private int? _companyId;
    private int? _webhookId;
    private string? _eventType;
    private DeliveryStatus _status = DeliveryStatus.Failed;
    private DateRange? _range;
    private bool _running;
    private string? _message;
    private ResendProgress? _progress;

    [Parameter, EditorRequired]
    public PortalActor Actor { get; set; } = default!;

    /// <summary>Raised when a resend has finished, so the page can refresh its figures.</summary>
    [Parameter]
    public EventCallback OnFinished { get; set; }

    [Inject]
    private DeliveryService Deliveries { get; set; } = default!;

    [Inject]
    private DashboardService Dashboard { get; set; } = default!;

    [Inject]
    private WebhookService Webhooks { get; set; } = default!;

    [Inject]
    private CompanyService Companies { get; set; } = default!;

    [Inject]
    private IDialogService Dialogs { get; set; } = default!;

    [Inject]
    private TimeProvider Time { get; set; } = default!;

    /// <summary>Fills the filter with one webhook's failed deliveries and asks to resend them.</summary>
    public async Task ResendFailedOfAsync(int companyId, int webhookId)
    {
        (_companyId, _eventType, _status, _range) = (companyId, null, DeliveryStatus.Failed, null);
        await CompanyChangedAsync();
        _webhookId = webhookId;
        await ConfirmAsync();
    }

    public void Dispose()
    {
        _disposed.Cancel();
        _disposed.Dispose();
    }

    protected override async Task OnInitializedAsync()
    {
        _companies = await Companies.ListAsync(Actor);
        _webhooks = await Webhooks.ListAsync(Actor, null);
    }

    private async Task CompanyChangedAsync()
    {
        _webhooks = await Webhooks.ListAsync(Actor, _companyId);
        if (_webhooks.All(w => w.Id != _webhookId))
        {
            _webhookId = null;
        }
    }

    private DeliveryFilter Filter() => new()
    {
        CompanyId = _companyId,
        WebhookId = _webhookId,
        EventType = _eventType,
        Status = _status,
        From = _range?.Start is { } start ? DateTime.SpecifyKind(start.Date, DateTimeKind.Utc) : null,
        To = _range?.End is { } end ? DateTime.SpecifyKind(end.Date.AddDays(1), DateTimeKind.Utc) : null,
    };

    private async Task ConfirmAsync()
    {
        _message = null;
        var count = await Deliveries.CountForResendAsync(Actor, Filter(), _disposed.Token);
        if (count == 0)
        {
            _message = "No delivery matches this filter (deliveries already waiting for a resend are left out), so nothing was sent.";
            return;
        }

        var what = count == 1 ? $"1 {_status} delivery" : $"{count:N0} {_status} deliveries";
        var confirmed = await Dialogs.ShowMessageBoxAsync(
            "Bulk resend",
            $"Resend {what} matching this filter? Each gets a new manual attempt recorded as yours.",
            yesText: $"Resend {count:N0}",
            cancelText: "Cancel");
        if (confirmed == true)
        {
            await ResendAsync();
        }
    }

    private async Task ResendAsync()
    {
        _running = true;
        try
        {
            var result = await Deliveries.BulkResendAsync(Actor, Filter(), _disposed.Token);
            _progress = new ResendProgress(result.Queued, 0, 0, 0);
            StateHasChanged();
            using var timer = new PeriodicTimer(PollInterval, Time);
            do
            {
                _progress = await Dashboard.GetResendProgressAsync(Actor, result.DeliveryIds, _disposed.Token);
                StateHasChanged();
            }
            while (!_progress.Finished && await timer.WaitForNextTickAsync(_disposed.Token));
        }
        catch (OperationCanceledException) when (_disposed.IsCancellationRequested)
        {
            return;
        }
        catch (PortalForbiddenException ex)
        {
            _message = ex.Message;
        }
        finally
        {
            _running = false;
        }

        await OnFinished.InvokeAsync();
    }
}
