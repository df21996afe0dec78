using System.Collections.Concurrent;
using Jakamo.Portal.Core.Common;
using Jakamo.Portal.Core.Deliveries;
using Jakamo.Portal.Core.Security;
using Jakamo.Portal.Core.Webhooks;
using Jakamo.Portal.Realtime;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace Jakamo.Portal.Features.TransportLog;

/// <summary>The live transport log: attempts paged on the server, with new ones shown as they are committed.
/// Bursts are buffered and flushed at most <see cref="FlushesPerSecond"/> times a second, so a flood of attempts
/// never re-renders the page more often than that.</summary>
public sealed partial class TransportLogPage
{
    public const int FlushesPerSecond = 4;

    private readonly ConcurrentQueue<LiveAttempt> _incoming = new();
    private MudDataGrid<AttemptRow>? _grid;
    private PortalActor? _actor;
    private IReadOnlyList<WebhookView> _webhooks = [];
    private AttemptFilter _filter = new();
    private DateRange? _range;
    private bool _paused;
    private int _newCount;
    private int _currentPage;
    private int _renderCount;
    private DeliveryDetail? _detail;
    private bool _detailOpen;
    private bool _resending;
    private IDisposable? _subscription;
    private ITimer? _flushTimer;

    [Inject]
    private IAttemptLog Log { get; set; } = default!;

    [Inject]
    private IAttemptFeed Feed { get; set; } = default!;

    [Inject]
    private WebhookService Webhooks { get; set; } = default!;

    [Inject]
    private DeliveryService Deliveries { get; set; } = default!;

    [Inject]
    private TimeProvider Time { get; set; } = default!;

    [Inject]
    private ISnackbar Snackbar { get; set; } = default!;

    [SupplyParameterFromQuery(Name = "webhook")]
    private int? WebhookQuery { get; set; }

    [SupplyParameterFromQuery(Name = "outcome")]
    private string? OutcomeQuery { get; set; }

    [SupplyParameterFromQuery(Name = "eventType")]
    private string? EventTypeQuery { get; set; }

    [SupplyParameterFromQuery(Name = "search")]
    private string? SearchQuery { get; set; }

    /// <summary>How often the page has rendered; tests assert it stays bounded under a burst.</summary>
    internal int RenderCount => _renderCount;

    internal int NewCount => _newCount;

    protected override async Task OnInitializedAsync()
    {
        _actor = await GetActorAsync();
        _filter = new AttemptFilter
        {
            WebhookId = WebhookQuery,
            EventType = string.IsNullOrWhiteSpace(EventTypeQuery) ? null : EventTypeQuery,
            Outcome = Enum.TryParse<AttemptOutcome>(OutcomeQuery, ignoreCase: true, out var outcome) ? outcome : null,
            Search = string.IsNullOrWhiteSpace(SearchQuery) ? null : SearchQuery.Trim(),
        };
        _webhooks = await Webhooks.ListAsync(_actor, null);
        if (RendererInfo.IsInteractive)
        {
            _subscription = Feed.Subscribe(_actor, OnAttemptsAsync);
            var period = TimeSpan.FromSeconds(1.0 / FlushesPerSecond);
            _flushTimer = Time.CreateTimer(_ => _ = InvokeAsync(FlushAsync), null, period, period);
        }
    }

    protected override void OnAfterRender(bool firstRender) => _renderCount++;

    private async Task<GridData<AttemptRow>> LoadAsync(GridState<AttemptRow> state, CancellationToken ct)
    {
        _actor ??= await GetActorAsync();
        _currentPage = state.Page;
        if (state.Page == 0)
        {
            _newCount = 0;
        }

        var page = await Log.ListAsync(_actor, _filter, state.Page + 1, state.PageSize, ct);
        return new GridData<AttemptRow> { Items = page.Items, TotalItems = page.TotalCount };
    }

    private Task OnAttemptsAsync(IReadOnlyList<LiveAttempt> attempts)
    {
        foreach (var attempt in attempts)
        {
            _incoming.Enqueue(attempt);
        }

        return Task.CompletedTask;
    }

    /// <summary>Takes what arrived since the last flush: new rows at the top on the first page, otherwise a count.</summary>
    private async Task FlushAsync()
    {
        var matching = 0;
        while (_incoming.TryDequeue(out var attempt))
        {
            if (_filter.Matches(attempt))
            {
                matching++;
            }
        }

        if (matching == 0)
        {
            return;
        }

        if (_paused || _currentPage != 0 || _grid is null)
        {
            _newCount += matching;
            StateHasChanged();
            return;
        }

        await _grid.ReloadServerData();
        StateHasChanged();
    }

    private async Task ShowNewestAsync()
    {
        _paused = false;
        _newCount = 0;
        if (_grid is not null)
        {
            _grid.NavigateTo(Page.First);
            await _grid.ReloadServerData();
        }
    }

    private async Task PauseChangedAsync(bool paused)
    {
        _paused = paused;
        if (!paused && _newCount > 0 && _currentPage == 0 && _grid is not null)
        {
            await _grid.ReloadServerData();
        }
    }

    private async Task SetFilterAsync(AttemptFilter filter)
    {
        _filter = filter;
        _newCount = 0;
        if (_grid is not null)
        {
            await _grid.ReloadServerData();
        }
    }

    private Task RangeChangedAsync(DateRange? range)
    {
        _range = range;
        return SetFilterAsync(_filter with
        {
            From = range?.Start?.ToUniversalTime(),
            To = range?.End?.AddDays(1).ToUniversalTime(),
        });
    }

    private async Task OpenAsync(long deliveryId)
    {
        _detail = await Deliveries.GetAsync(_actor!, deliveryId);
        _detailOpen = true;
    }

    private async Task ResendAsync()
    {
        _resending = true;
        try
        {
            await Deliveries.RequestResendAsync(_actor!, _detail!.Delivery.Id);
            Snackbar.Add("Resend queued. The new attempt appears here when it is made.", Severity.Success);
            _detail = await Deliveries.GetAsync(_actor!, _detail.Delivery.Id);
        }
        catch (PortalNotFoundException ex)
        {
            Snackbar.Add(ex.Message, Severity.Warning);
        }
        finally
        {
            _resending = false;
        }
    }

    private static string TriggerLabel(AttemptRow row) => row.Trigger switch
    {
        AttemptTrigger.Manual => $"manual by {row.TriggeredBy}",
        AttemptTrigger.AutomaticRetry => "retry",
        _ => "first",
    };

    private static Color OutcomeColor(AttemptOutcome outcome) => outcome switch
    {
        AttemptOutcome.Succeeded => Color.Success,
        AttemptOutcome.Held => Color.Warning,
        _ => Color.Error,
    };

    public async ValueTask DisposeAsync()
    {
        _subscription?.Dispose();
        if (_flushTimer is not null)
        {
            await _flushTimer.DisposeAsync();
        }
    }
}
