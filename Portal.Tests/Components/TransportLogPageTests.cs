using System.Security.Claims;
using Bunit;
using Jakamo.Portal.Core.Deliveries;
using Jakamo.Portal.Core.Security;
using Jakamo.Portal.Core.Webhooks;
using Jakamo.Portal.Features.TransportLog;
using Jakamo.Portal.Realtime;
using Jakamo.Portal.Tests.Infrastructure;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace Jakamo.Portal.Tests.Components;

/// <summary>The live transport log with a recording attempt log and a feed the test pushes attempts into.</summary>
public sealed class TransportLogPageTests : PortalBunitContext
{
    private const int CompanyId = 7;
    private readonly RecordingAttemptLog _log = new();
    private readonly PushFeed _feed = new();
    private CoreServices? _core;

    [Fact]
    public async Task Filters_FromTheAddress_AndTheSearchBox_ReachTheQuery()
    {
        var cut = await RenderPageAsync("transport-log?webhook=3&outcome=failed&eventType=so.created&search=SO-4711");

        var first = _log.Queries.Last();
        Assert.Equal(new AttemptFilter { WebhookId = 3, Outcome = AttemptOutcome.Failed, EventType = "so.created", Search = "SO-4711" }, first.Filter);
        Assert.Equal(1, first.Page);
        Assert.Equal(25, first.PageSize);

        cut.Find("#filter-search").Change("  erp-99 ");
        cut.WaitForAssertion(() => Assert.Equal("erp-99", _log.Queries.Last().Filter.Search));
        Assert.Equal(AttemptOutcome.Failed, _log.Queries.Last().Filter.Outcome);
    }

    [Fact]
    public async Task NewAttempts_ReloadTheFirstPage_AtMostAFewTimesASecond()
    {
        var cut = await RenderPageAsync("transport-log");
        var queriesBefore = _log.Queries.Count;

        _feed.Push(Live(1), Live(2), Live(3));
        Time.Advance(TimeSpan.FromMilliseconds(260));

        cut.WaitForAssertion(() => Assert.Equal(queriesBefore + 1, _log.Queries.Count));
        Assert.Equal(0, cut.Instance.NewCount);
        Assert.Empty(cut.FindAll("[data-testid=new-chip]"));
    }

    [Fact]
    public async Task NewChip_CountsMatchingAttempts_WhileAwayFromTheFirstPage_OrPaused()
    {
        _log.Total = 120;
        var cut = await RenderPageAsync("transport-log?outcome=Failed");
        cut.Find("#pause-live").Change(true);

        _feed.Push(Live(1, AttemptOutcome.Failed), Live(2, AttemptOutcome.Succeeded), Live(3, AttemptOutcome.Failed));
        Time.Advance(TimeSpan.FromMilliseconds(260));
        _feed.Push(Live(4, AttemptOutcome.Failed), Live(5, AttemptOutcome.Failed, companyId: CompanyId));
        Time.Advance(TimeSpan.FromMilliseconds(260));

        cut.WaitForAssertion(() => Assert.Equal("4 new", cut.Find("[data-testid=new-chip]").TextContent.Trim()));
        var queries = _log.Queries.Count;
        cut.Find("[data-testid=new-chip]").Click();
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-testid=new-chip]")));
        Assert.True(_log.Queries.Count > queries);
        Assert.Equal(1, _log.Queries.Last().Page);
    }

    [Fact]
    public async Task Burst_Of2000Attempts_KeepsRendersBounded_AndEveryRowReachable()
    {
        var cut = await RenderPageAsync("transport-log");
        var rendersBefore = cut.Instance.RenderCount;

        for (var i = 1; i <= 2000; i++)
        {
            _log.Total = i;
            _feed.Push(Live(i));
            if (i % 20 == 0)
            {
                Time.Advance(TimeSpan.FromMilliseconds(25));
            }
        }

        Time.Advance(TimeSpan.FromMilliseconds(260));
        cut.WaitForAssertion(() => Assert.Equal(2000, _log.Queries.Last().Total));

        // 2,000 attempts over 2.5 s of feed time may reload the grid at most 4 times a second.
        Assert.InRange(_log.Queries.Count, 2, 1 + (3 * TransportLogPage.FlushesPerSecond));
        Assert.InRange(cut.Instance.RenderCount - rendersBefore, 0, 3 * TransportLogPage.FlushesPerSecond);
        cut.WaitForAssertion(() => Assert.Contains("1-25 of 2,000", cut.Find(".mud-table-pagination").TextContent, StringComparison.Ordinal));

        cut.Find("button[aria-label='Last page']").Click();
        cut.WaitForAssertion(() => Assert.Equal(80, _log.Queries.Last().Page));
    }

    private async Task<IRenderedComponent<TransportLogPage>> RenderPageAsync(string url)
    {
        _core = await CoreServices.CreateAsync(configure: s => s.AddSingleton<IDeliveryJobs>(new RecordingJobs()));
        Services.AddSingleton<IAttemptLog>(_log);
        Services.AddSingleton<IAttemptFeed>(_feed);
        Services.AddSingleton(_core.Get<WebhookService>());
        Services.AddSingleton(_core.Get<DeliveryService>());
        var auth = Authorization;
        auth.SetAuthorized("admin@nordic.test");
        auth.SetRoles(PortalRoles.CompanyAdmin);
        auth.SetClaims(new Claim(ClaimTypes.NameIdentifier, "admin-7"), new Claim(PortalClaims.CompanyId, CompanyId.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        UseInteractiveServerRenderer();
        Services.GetRequiredService<NavigationManager>().NavigateTo(url);
        Render<MudBlazor.MudPopoverProvider>();
        var cut = Render<TransportLogPage>();
        cut.WaitForAssertion(() => Assert.NotEmpty(_log.Queries));
        return cut;
    }

    private static LiveAttempt Live(long id, AttemptOutcome outcome = AttemptOutcome.Succeeded, int companyId = CompanyId) => new(
        id, id, companyId, 3, "ERP production", 1000 + id, "so.created", $"SO-{id}", 1, AttemptTrigger.First, null,
        new DateTime(2026, 12, 1, 8, 0, 0, DateTimeKind.Utc), 12, outcome, outcome == AttemptOutcome.Succeeded ? 200 : 500, DeliveryStatus.Succeeded, "");

    protected override ValueTask DisposeTestResourcesAsync() => _core?.DisposeAsync() ?? ValueTask.CompletedTask;

    private sealed record Query(AttemptFilter Filter, int Page, int PageSize, int Total);

    private sealed class RecordingAttemptLog : IAttemptLog
    {
        public List<Query> Queries { get; } = [];

        public int Total { get; set; }

        public Task<PagedResult<AttemptRow>> ListAsync(PortalActor actor, AttemptFilter filter, int page, int pageSize, CancellationToken ct = default)
        {
            Queries.Add(new Query(filter, page, pageSize, Total));
            var rows = Enumerable.Range(1, Math.Max(0, Math.Min(pageSize, Total - ((page - 1) * pageSize))))
                .Select(i => new AttemptRow(i, i, actor.CompanyId ?? 0, 3, "ERP production", i, "so.created", null, null, 1, AttemptTrigger.First, null, DateTime.UnixEpoch, 5, AttemptOutcome.Succeeded, 200, ""))
                .ToList();
            return Task.FromResult(new PagedResult<AttemptRow>(rows, Total, page, pageSize));
        }
    }

    private sealed class PushFeed : IAttemptFeed
    {
        private readonly List<(PortalActor Actor, Func<IReadOnlyList<LiveAttempt>, Task> Handler)> _subscribers = [];

        public IDisposable Subscribe(PortalActor actor, Func<IReadOnlyList<LiveAttempt>, Task> onAttempts)
        {
            var entry = (actor, onAttempts);
            _subscribers.Add(entry);
            return new Unsubscriber(() => _subscribers.Remove(entry));
        }

        public void Push(params LiveAttempt[] attempts)
        {
            foreach (var (actor, handler) in _subscribers.ToList())
            {
                handler([.. attempts.Where(a => actor.CanAccessCompany(a.CompanyId))]).GetAwaiter().GetResult();
            }
        }

        private sealed class Unsubscriber(Action dispose) : IDisposable
        {
            public void Dispose() => dispose();
        }
    }
}
